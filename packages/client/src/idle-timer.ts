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

  /** Starts watching (if not already), counting from now. */
  start(): void {
    this.heard();
    if (this.#timer === undefined && !this.#stopped) this.#arm();
  }

  /** Something was heard: the quiet period starts again. */
  heard(): void {
    this.#last = Date.now();
  }

  /** For good. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #arm(): void {
    this.#timer = setTimeout(
      () => {
        if (Date.now() - this.#last >= this.#ms) {
          this.#last = Date.now();
          this.#onIdle();
        }
        if (!this.#stopped) this.#arm();
      },
      Math.max(0, this.#last + this.#ms - Date.now()),
    );
  }
}
