/**
 * One run of the SSE model: the dev server, `transport: "sse"` clients whose
 * fetch is watched (which SSE streams are open), the simulated page, and the
 * ledger of every event published, with the subscriptions that were live
 * when it was.
 */
import { Dispatch, type StreamEvent } from "@dispatch/client";
import type { StreamEvent as ServerEvent } from "@dispatch/dev-server";
import { keyOf, matches } from "../model-shared/routing.js";
import { RunBase } from "../model-shared/run-base.js";
import { BOUND, tick } from "../model-shared/waits.js";
import { clientDone, servedNow, watchedFetch } from "./fetch-watch.js";
import type { ClientRec, StreamRec, SubRec } from "./records.js";
import { sseStats } from "./stats.js";

export class SseRun extends RunBase<ClientRec, SubRec> {
  readonly #index = new Map<string, number>();
  hidden = false;
  /** Streams open when the server last dropped every connection: settling waits for the client to see them end. */
  #dropped: StreamRec[] = [];
  /** SSE requests the server was serving then, headers maybe not yet read: the same wait, by tag. */
  #doomed: number[] = [];
  #ts = 0;

  constructor(readonly page: EventTarget) {
    super();
  }

  async start(): Promise<void> {
    // After the server's own listener: each event is recorded as the broker has just sent it.
    await this.startServer((event) => this.record(event));
    this.fresh();
  }

  /** A timestamp no other event of the run has. */
  nextTs(): string {
    return `2026-01-02T03:04:05.${String(++this.#ts).padStart(9, "0")}Z`;
  }

  /** Notes a published event, and which live subscriptions it must reach. */
  record(event: ServerEvent): void {
    const idx = this.published.length;
    this.published.push(event);
    this.#index.set(keyOf(event), idx);
    for (const c of this.alive)
      for (const s of c.subs) if (!s.ended && s.sub.live && matches(s.channel, event)) s.expected.push(idx);
    this.signal.poke();
  }

  /** Publishes through the broker, as an engine would. */
  publish(event: ServerEvent): number {
    this.record(event);
    this.server.publish(event);
    return this.published.length - 1;
  }

  /** A subscription took `event`: it was published, is past the last one it took, and is its channel's. */
  took(s: SubRec, event: StreamEvent): void {
    if (s.ended) s.deliveredAfterEnd++;
    if (!matches(s.channel, event))
      this.fail(`sub ${s.id} (${s.channel}) got ${event.type} on ${event.topic}`);
    const idx = this.#index.get(keyOf(event));
    if (idx === undefined) this.fail(`sub ${s.id} (${s.channel}) got an unpublished ${keyOf(event)}`);
    else if (idx <= s.lastIdx)
      this.fail(
        `sub ${s.id} (${s.channel}, ${s.mode}) got #${idx} ${event.type} ${event.topic} after #${s.lastIdx}: ${s.got.has(idx) ? "twice" : "out of order"}`,
      );
    else {
      s.got.add(idx);
      s.lastIdx = idx;
    }
    s.events.push(event);
    this.signal.poke();
  }

  /** Whether a reconnect gap naming `s`'s channel came after event `idx` was published. */
  excused(s: SubRec, idx: number): boolean {
    return s.client.gaps.some(
      (g) => g.reason === "reconnect" && g.at > idx && g.channels.includes(s.channel),
    );
  }

  /** Every expected event taken, or excused by a later gap. */
  caughtUp(s: SubRec): boolean {
    if (s.ended) return true;
    for (let k = s.expected.length - 1; k >= 0; k--) {
      const idx = s.expected[k] as number;
      if (s.lastIdx >= idx) return true;
      if (!this.excused(s, idx)) return false;
    }
    return true;
  }

  /** The server is about to kill every socket: the streams open now will end. */
  dropping(): void {
    for (const c of this.alive) for (const s of c.streams) if (s.open) this.#dropped.push(s);
    this.#doomed.push(...servedNow());
    sseStats.drops++;
  }

  pageEvent(ev: "hide" | "show" | "online"): void {
    if (ev === "online") this.page.dispatchEvent(new Event("online"));
    else {
      this.hidden = ev === "hide";
      const type = ev === "hide" ? "pagehide" : "pageshow";
      this.page.dispatchEvent(Object.assign(new Event(type), { persisted: true }));
    }
    this.signal.poke();
  }

  /**
   * Every stream open at the last drop has ended, and the client has read
   * that. So has every SSE request the server was serving: one whose headers
   * were in flight opens on the client after the drop, then ends, and until
   * it ends the client rightly counts its subscriptions live.
   */
  async dropsNoticed(): Promise<void> {
    const ended = () => this.#dropped.every((s) => !s.open) && this.#doomed.every(clientDone);
    await this.signal.until(ended, BOUND, "dropped streams ending");
    this.#dropped = [];
    this.#doomed = [];
    // The client reads the end a few microtasks after the fetch wrapper does.
    await tick();
  }

  /** Page shown, drops noticed, every client open and each of its subscriptions live. */
  async settle(): Promise<void> {
    if (this.hidden) this.pageEvent("show");
    await this.dropsNoticed();
    for (const c of this.alive) c.client.connect({ timeout: BOUND }).catch(() => {});
    // Asked afresh each time: a listener may close its client meanwhile.
    await this.untilSettled(() => this.alive, "every client open, its subs live");
  }

  /** A new client; the others close, or (`keep`) the newest stays: at most two at once. */
  fresh(keep = false): void {
    const alive = this.alive;
    for (const [i, c] of alive.entries()) if (!keep || i < alive.length - 1) this.closeClient(c);
    const rec: ClientRec = {
      n: this.clients.length,
      closed: false,
      subs: [],
      awaitingGap: new Set(),
      gaps: [],
      streams: [],
      pending: 0,
      warnings: [],
    } as unknown as ClientRec;
    rec.client = new Dispatch({
      url: this.server.url,
      token: "dk_test_sse_model",
      transport: "sse",
      fetch: watchedFetch(rec, this.signal),
      minReconnectDelay: 5,
      maxReconnectDelay: 40,
      timeout: 1_000,
      logger: {
        warn: (message: string) => rec.warnings.push(message),
        debug: (message: string) => {
          if (message.includes("(rollover)")) sseStats.rollovers++;
        },
      },
    });
    rec.client.onStateChange(() => this.signal.poke());
    rec.client.onGap((gap) => {
      rec.gaps.push({ channels: gap.channels, reason: gap.reason, at: this.published.length });
      if (gap.reason === "reconnect")
        for (const s of [...rec.awaitingGap])
          if (gap.channels.includes(s.channel)) {
            rec.awaitingGap.delete(s);
            sseStats.gapsNamed++;
          }
      this.signal.poke();
    });
    this.clients.push(rec);
  }
}
