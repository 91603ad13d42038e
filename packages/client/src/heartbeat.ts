/** What the heartbeat drives. */
export interface HeartbeatHooks {
  ping(): void;
  /** The socket has been silent too long: replace it. */
  dead(): void;
  /** A mark of the requests sent so far, for `busy`. */
  mark(): number;
  /** Whether a request sent by `mark` still awaits its answer within a finite timeout. */
  busy(mark: number): boolean;
}

/**
 * Pings every `interval` ms and declares the socket dead after about two
 * silent intervals. Any inbound frame counts as liveness. The server answers
 * pings only after the requests queued before them, so silence while a
 * request sent before the first unanswered ping is in flight is not proof of
 * death: it waits for that request (its own timeout bounds the wait).
 * Requests sent after that ping do not count: a steady flow of them would
 * otherwise keep a dead socket forever.
 */
export class Heartbeat {
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastHeard = 0;
  /** The first ping since the last inbound frame: when it went out, and the request mark then. */
  #firstPing: { at: number; mark: number } | undefined;

  readonly #interval: number;
  readonly #hooks: HeartbeatHooks;

  constructor(interval: number, hooks: HeartbeatHooks) {
    this.#interval = interval;
    this.#hooks = hooks;
  }

  start(): void {
    this.stop();
    this.alive();
    if (this.#interval <= 0) return;
    this.#timer = setInterval(() => this.#tick(), this.#interval);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  alive(): void {
    this.#lastHeard = Date.now();
    this.#firstPing = undefined;
  }

  #tick(): void {
    const now = Date.now();
    const silent = now - this.#lastHeard;
    // Dead only when a ping sent at least half an interval ago went unanswered: after a
    // stalled event loop (or a throttled tab) the silence alone proves nothing.
    const ping = this.#firstPing;
    if (
      silent >= this.#interval * 1.5 &&
      ping !== undefined &&
      now - ping.at >= this.#interval / 2 &&
      !this.#hooks.busy(ping.mark)
    ) {
      this.stop();
      this.#hooks.dead();
      return;
    }
    try {
      this.#hooks.ping();
      this.#firstPing ??= { at: now, mark: this.#hooks.mark() };
    } catch {
      // The session closed between ticks; the close path handles it.
    }
  }
}
