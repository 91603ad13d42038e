import { afterEach, beforeEach, vi } from "vitest";
import { createEngine } from "../src/engine/engine.js";
import type { Engine, EngineOptions, StreamEvent } from "../src/engine/types.js";

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Handler work that takes `ms` of (fake) time. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An engine per test under fake timers frozen at `t0`, with every event it
 * publishes recorded in `events` (the same array for the whole file).
 */
export function useEngine(t0: number) {
  const events: StreamEvent[] = [];
  let engine: Engine | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(t0);
  });
  afterEach(() => {
    engine?.close();
    vi.useRealTimers();
  });
  return {
    events,
    start(options: EngineOptions): Engine {
      engine = createEngine(options);
      events.length = 0;
      engine.onEvent((event) => events.push(event));
      return engine;
    },
    /** Resolves with the next event of `type` (for job `jobId`, if given). */
    next(type: string, jobId?: string): Promise<StreamEvent> {
      return new Promise((resolve) => {
        const off = engine?.onEvent((event) => {
          if (event.type === type && (jobId === undefined || event.data.job_id === jobId)) {
            off?.();
            resolve(event);
          }
        });
      });
    },
  };
}
