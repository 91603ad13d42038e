/**
 * Keeps the server's per-connection credit balance topped up.
 *
 * The server spends one credit per event and, at zero, silently drops events
 * instead of queueing them. Withholding credits therefore never slows a
 * producer down; it only loses events without a trace. So credits are granted
 * as events come off the socket, and slow consumers are handled where loss
 * can be seen: each subscription's buffer is bounded and reports a gap when it
 * overflows.
 */
export class CreditGranter {
  #received = 0;

  readonly #grant: (n: number) => void;
  readonly #batch: number;

  /**
   * @param grant sends a `credits` frame for `n` credits.
   * @param batch grant after this many events: the balance stays between
   *   1,000 − batch and 1,000, never near zero.
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

  /** A new session starts with a fresh balance of 1,000. */
  reset(): void {
    this.#received = 0;
  }
}
