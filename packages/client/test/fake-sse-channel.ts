import { vi } from "vitest";
import type { DispatchError } from "../src/errors.js";
import type { StreamEvent } from "../src/protocol/types.js";
import { SSE_ROLLOVER_AT, SseChannel } from "../src/sse-channel.js";
import type { DialKind } from "../src/sse-channel-hooks.js";
import type { SseStreamHandlers } from "../src/transports/sse.js";

export interface FakeStream {
  kind: DialKind;
  handlers: SseStreamHandlers;
  closed: boolean;
}

export const event = (n: number): StreamEvent =>
  ({ type: "job.started", ts: `2026-01-02T03:04:05.${n}Z`, topic: `job:job_${n}`, data: {} }) as StreamEvent;

/**
 * An SSE channel over fake streams (fake timers on): `streams` lists what it
 * dialled, `log` what it reported, in order.
 */
export function setup(options: { maxRetries?: number; reconnect?: boolean; url?: string } = {}) {
  const streams: FakeStream[] = [];
  const log = {
    delivered: [] as number[],
    /** Events and gaps, in the order the channel reported them. */
    sequence: [] as string[],
    gaps: 0,
    ready: 0,
    failed: [] as unknown[],
    reconnecting: [] as boolean[],
  };
  let refuse: DispatchError | undefined;
  const channel = new SseChannel(
    {
      dial: async (kind, handlers) => {
        if (refuse) throw refuse;
        const stream: FakeStream = { kind, handlers, closed: false };
        streams.push(stream);
        return {
          close: () => {
            stream.closed = true;
          },
        };
      },
      opening: () => {},
      ready: () => log.ready++,
      event: (e) => {
        log.delivered.push(Number(e.topic?.slice(8)));
        log.sequence.push(String(e.topic?.slice(8)));
      },
      gap: () => {
        log.gaps++;
        log.sequence.push("gap");
      },
      reconnecting: (value) => log.reconnecting.push(value),
      failed: (error) => log.failed.push(error),
    },
    {
      reconnect: options.reconnect ?? true,
      maxRetries: options.maxRetries ?? Number.POSITIVE_INFINITY,
      url: options.url ?? "http://127.0.0.1:8080/dwp",
      minReconnectDelay: 100,
      maxReconnectDelay: 1000,
    },
  );
  const send = (stream: FakeStream | undefined, from: number, to: number) => {
    for (let n = from; n < to; n++) stream?.handlers.event(event(n));
  };
  /** Starts the channel and feeds its first stream up to the rollover: `[a, b]`, the old and the new stream. */
  const rollOver = async (): Promise<[FakeStream | undefined, FakeStream | undefined]> => {
    channel.start();
    await vi.advanceTimersByTimeAsync(0);
    const [a] = streams;
    send(a, 0, SSE_ROLLOVER_AT);
    await vi.advanceTimersByTimeAsync(0);
    return [a, streams[1]];
  };
  return {
    channel,
    streams,
    log,
    send,
    rollOver,
    refuseWith: (error: DispatchError | undefined) => {
      refuse = error;
    },
  };
}
