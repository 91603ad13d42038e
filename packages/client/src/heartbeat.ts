/** What the heartbeat drives. */
export interface HeartbeatHooks {
  ping(): void;
  /** The socket has been silent too long: replace it. */
  dead(): void;
  /** Requests are awaiting answers. */
  busy(): boolean;
}

/**
 * Pings every `interval` ms and declares the socket dead after about two
 * silent intervals. Any inbound frame counts as liveness. The server answers
 * pings only after the requests queued before them, so silence while requests
 * are in flight is not proof of death: it waits for them (their own timeouts
 * bound the wait).
 */
export class Heartbeat {
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastHeard = 0;

  readonly #interval: number;
  readonly #hooks: HeartbeatHooks;

  constructor(interval: number, hooks: HeartbeatHooks) {
    this.#interval = interval;
    this.#hooks = hooks;
  }

  start(): void {
    this.stop();
    this.#lastHeard = Date.now();
    if (this.#interval <= 0) return;
    this.#timer = setInterval(() => this.#tick(), this.#interval);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  alive(): void {
    this.#lastHeard = Date.now();
  }

  #tick(): void {
    const silent = Date.now() - this.#lastHeard;
    // 1.5 intervals at a tick means the ping of the previous tick went unanswered.
    if (silent >= this.#interval * 1.5 && !this.#hooks.busy()) {
      this.stop();
      this.#hooks.dead();
      return;
    }
    try {
      this.#hooks.ping();
    } catch {
      // The session closed between ticks; the close path handles it.
    }
  }
}
