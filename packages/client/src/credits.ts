/**
 * Keeps the server's per-connection credit balance topped up.
 *
 * The server spends one credit per event and, at zero, silently drops events
 * instead of queueing them. Withholding credits therefore never slows a
 * producer down; it only loses events without a trace. So credits are granted
 * as events come off the socket, and slow consumers are handled where loss
 * can be seen: each subscription's buffer is bounded and reports a gap when it
 * overflows. Every session starts with a large grant: the server's 1,000
 * would not cover a burst that outruns one round trip of top-ups (a batch of
 * enqueues, a busy main thread, a slow uplink).
 */
/** Credits granted as a session opens, on top of the server's 1,000. */
export const HEAD_START = 1_000_000;

export class CreditGranter {
  #received = 0;

  readonly #grant: (n: number) => void;
  readonly #batch: number;

  /**
   * @param grant sends a `credits` frame for `n` credits.
   * @param batch grant after this many events: the balance never falls
   *   more than `batch` below where the session started.
   */
  constructor(grant: (n: number) => void, batch = 250) {
    this.#grant = grant;
    this.#batch = batch;
  }

  /** Counts one event taken off the socket. */
  onEvent(): void {
    if (++this.#received < this.#batch) return;
    const n = this.#received;
    this.#received = 0;
    this.#grant(n);
  }

  /** A new session: its balance is the server's 1,000 plus a head start. */
  opened(): void {
    this.#received = 0;
    this.#grant(HEAD_START);
  }
}
