/**
 * Shared pieces of the fault suite: a dev server and clients that are closed
 * after each test, numbered synthetic events, event-driven waits with a
 * deadline, and collectors for process-level failures.
 */
import {
  Dispatch,
  type DispatchOptions,
  type StreamEvent,
  type WebSocketConstructor,
} from "@dispatch/client";
import {
  createDevServer,
  type DevServer,
  type DevServerOptions,
  type StreamEvent as ServerEvent,
} from "@dispatch/dev-server";
import { afterEach } from "vitest";
import WS from "ws";

export const TOKEN = "dk_test_faults";
/** Node 20 has no global WebSocket. */
export const WebSocket = WS as unknown as WebSocketConstructor;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `cleanup` after the current test, in reverse order of registration. */
export function deferCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A dev server on 127.0.0.1, port 0, closed after the test. */
export async function startServer(options: DevServerOptions = {}): Promise<DevServer> {
  const server = await createDevServer({ port: 0, host: "127.0.0.1", ...options });
  deferCleanup(() => server.close());
  return server;
}

/** A client of `server` over `ws` with quick reconnects, closed after the test. */
export function clientOf(server: DevServer, options: DispatchOptions = {}): Dispatch {
  const client = new Dispatch({
    url: server.url,
    token: TOKEN,
    WebSocket,
    minReconnectDelay: 20,
    maxReconnectDelay: 200,
    heartbeatInterval: 0,
    ...options,
  });
  deferCleanup(() => client.close());
  return client;
}

/** Resolves when the client reaches `state`; rejects after `ms`. */
export function stateReaches(client: Dispatch, state: Dispatch["state"], ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.state === state) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`state ${state} not reached within ${ms} ms (now ${client.state})`));
    }, ms);
    const off = client.onStateChange((s) => {
      if (s !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Synthetic event number `seq`: its own job topic, so it reaches `firehose` and `jobs` only. */
export function numbered(seq: number): ServerEvent {
  return {
    type: "job.started",
    ts: "2026-01-02T03:04:05Z",
    topic: `job:seq_${seq}`,
    data: { job_id: `seq_${seq}`, seq, queue: "default" },
  };
}

/** The sequence number of an event made by `numbered`, or `undefined`. */
export function seqOf(event: StreamEvent): number | undefined {
  const seq = (event.data as { seq?: unknown }).seq;
  return typeof seq === "number" ? seq : undefined;
}

/**
 * A condition that is re-checked whenever `poke()` is called (from event
 * listeners), so waits are driven by arrivals, not by polling or sleeps.
 */
export class Signal {
  #waiters: Array<() => void> = [];

  poke(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once `check()` holds; rejects after `ms` with `what` in the message. */
  async until(check: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Collects unhandled rejections and uncaught exceptions while active. */
export function processFailures(): { readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const collect = (error: unknown) => errors.push(error);
  process.on("unhandledRejection", collect);
  process.on("uncaughtException", collect);
  const stop = () => {
    process.off("unhandledRejection", collect);
    process.off("uncaughtException", collect);
  };
  deferCleanup(stop);
  return { errors, stop };
}
