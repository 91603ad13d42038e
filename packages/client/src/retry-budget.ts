/**
 * How much of `maxRetries` a connection has spent: connects that failed in a
 * row, and sessions in a row that the server accepted, was asked something
 * on (a request, a ping) and never answered, as a read loop stuck after auth
 * does. The larger of the two counts: one outage may cost a session and a
 * connect. A quiet session (asked nothing) counts for nothing.
 *
 * @example
 * ```ts
 * budget.failed();
 * if (budget.spent > options.maxRetries) close();
 * ```
 */
export class RetryBudget {
  #failures = 0;
  #unanswered = 0;
  #session: "quiet" | "asked" | "answered" = "quiet";

  /** A connect (socket or handshake) failed. */
  failed(): void {
    this.#failures++;
  }

  /** The server accepted the token: connects work again; this session is yet to be asked. */
  opened(): void {
    this.#failures = 0;
    this.#session = "quiet";
  }

  /** Something that expects an answer went out (a credits grant does not). */
  asked(): void {
    if (this.#session === "quiet") this.#session = "asked";
  }

  /** The server answered past the handshake: the session works. */
  answered(): void {
    this.#session = "answered";
    this.#unanswered = 0;
  }

  /** The open session was lost. */
  dropped(): void {
    if (this.#session === "asked") this.#unanswered++;
  }

  get spent(): number {
    return Math.max(this.#failures, this.#unanswered);
  }
}
