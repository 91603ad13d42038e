/**
 * What a run of either model holds and does alike: the dev server (with its
 * `quick` and `gated` jobs and `wf` workflow), the clients, the requests to
 * settle, and the bookkeeping of ended subscriptions.
 */
import { createDevServer, type DevServer, type StreamEvent as ServerEvent } from "@dispatch/dev-server";
import { Signal } from "../helpers.js";
import type { ClientRecBase, SubRecBase } from "./records.js";
import { BOUND, tick, withBound } from "./waits.js";

export abstract class RunBase<C extends ClientRecBase<S>, S extends SubRecBase> {
  readonly violations: string[] = [];
  readonly signal = new Signal();
  readonly clients: C[] = [];
  readonly requests: Array<{ what: string; promise: Promise<unknown> }> = [];
  readonly knownJobs: Array<{ id: string; queue: string }> = [];
  /** Every event published, in the order the broker saw them. */
  readonly published: ServerEvent[] = [];
  readonly gates = new Map<string, () => void>();
  server!: DevServer;
  #subCounter = 0;
  #offEngine: (() => void) | undefined;

  /** Starts the dev server; `onEvent` sees each event the engine publishes. */
  protected async startServer(onEvent: (event: ServerEvent) => void): Promise<void> {
    this.server = await createDevServer({
      port: 0,
      host: "127.0.0.1",
      concurrency: 1_000,
      jobs: {
        quick: () => {},
        gated: ({ job, signal }) =>
          new Promise<void>((resolve) => {
            this.gates.set(job.id, resolve);
            signal.addEventListener("abort", () => resolve(), { once: true });
          }),
      },
      workflows: {
        wf: async (wf) => {
          await wf.step("one", () => ({ ok: true }));
        },
      },
    });
    this.#offEngine = this.server.engine.onEvent(onEvent);
  }

  /**
   * The server down (refusing connections) for `ticks` turns of the event
   * loop and whatever `whileDown` waits for, then up on the same port.
   */
  async restartServer(ticks: number, whileDown: () => Promise<void> = async () => {}): Promise<void> {
    let up!: () => void;
    const restarted = this.server.restart({ until: new Promise<void>((resolve) => (up = resolve)) });
    for (let k = 0; k < ticks; k++) await tick();
    await whileDown();
    up();
    await withBound("server restart", restarted);
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.client.close();
    for (const release of this.gates.values()) release();
    this.#offEngine?.();
    await this.server?.close();
  }

  fail(message: string): void {
    this.violations.push(message);
  }

  nextSubId(): number {
    return ++this.#subCounter;
  }

  /** The clients not closed; the newest is the last. */
  get alive(): C[] {
    return this.clients.filter((c) => !c.closed);
  }

  /** The open client `i` picks, newest first. */
  target(i: number): C {
    const alive = this.alive;
    return alive[alive.length - 1 - (i % alive.length)] as C;
  }

  closeClient(c: C): void {
    c.closed = true;
    for (const s of c.subs) this.markEnded(s);
    c.client.close();
  }

  markEnded(s: S): void {
    if (s.ended) return;
    s.ended = true;
    s.bufferedAtEnd = s.sub.buffered;
    s.client.awaitingGap.delete(s);
  }

  /** Handled at once: a rejection left unobserved until the end would count as unhandled. */
  track(what: string, promise: Promise<unknown>): void {
    promise.catch(() => {});
    this.requests.push({ what, promise });
  }

  /** Until every client `clients()` gives is open with each of its subscriptions live; the laggards named on a timeout. */
  protected async untilSettled(clients: () => C[], what: string): Promise<void> {
    const settled = (c: C) => c.client.state === "open" && c.subs.every((s) => s.ended || s.sub.live);
    await this.signal
      .until(() => clients().every(settled), BOUND, what)
      .catch((err: Error) => {
        const why = clients().map(
          (c) =>
            `client ${c.n} ${c.client.state}, not live: ${c.subs
              .filter((s) => !s.ended && !s.sub.live)
              .map((s) => `${s.id} ${s.channel}`)
              .join(", ")}`,
        );
        throw new Error(`${err.message} (${why.join("; ")})`);
      });
  }
}
