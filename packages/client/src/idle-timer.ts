/**
 * Calls `onIdle` once nothing was heard for `ms`, and again after each
 * further `ms` of silence. One timer, re-armed from the last `heard()` when
 * it fires, rather than one per event on a busy stream.
 *
 * @example
 * ```ts
 * const idle = new IdleTimer(120_000, () => replaceStream());
 * stream.onOpen = () => idle.start();
 * stream.onEvent = () => idle.heard();
 * ```
 */
export class IdleTimer {
  #last = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  readonly #ms: number;
  readonly #onIdle: () => void;

  constructor(ms: number, onIdle: () => void) {
    this.#ms = ms;
    this.#onIdle = onIdle;
  }

  /** Starts watching (if not already), counting from now; again after `stop()` too. */
  start(): void {
    this.#stopped = false;
    this.heard();
    if (this.#timer === undefined) this.#arm();
  }

  /** Something was heard: the quiet period starts again. */
  heard(): void {
    this.#last = Date.now();
  }

  /** Until the next `start()`. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (Date.now() - this.#last >= this.#ms) {
          this.#last = Date.now();
          this.#onIdle();
        }
        // onIdle may have stopped it, or stopped and started it (one timer).
        if (!this.#stopped && this.#timer === undefined) this.#arm();
      },
      Math.max(0, this.#last + this.#ms - Date.now()),
    );
  }
}
