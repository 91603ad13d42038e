/** Schedules one callback for the next frame; returns a cancel function. */
export type FrameScheduler = (callback: () => void) => () => void;

/**
 * The next animation frame, or 16 ms where there is none (server, workers,
 * tests in Node). Looked up on every call, so a test can stub
 * `requestAnimationFrame` after import.
 */
export const nextFrame: FrameScheduler = (callback) => {
  const raf = globalThis.requestAnimationFrame;
  if (typeof raf === "function") {
    const handle = raf.call(globalThis, () => callback());
    return () => globalThis.cancelAnimationFrame?.(handle);
  }
  const timer = setTimeout(callback, 16);
  return () => clearTimeout(timer);
};

/** Collects items and hands them over in one batch per frame. */
export interface FrameBatcher<T> {
  /** Adds an item; the batch is delivered on the next frame. */
  push(item: T): void;
  /** Delivers the pending batch now (no-op when empty). */
  flush(): void;
  /** Drops the pending batch and the scheduled frame. */
  cancel(): void;
  /** Items waiting for the next frame. */
  readonly size: number;
}

/**
 * Batches a stream of items to at most one `deliver` call per animation
 * frame. Under an event flood every cache write, and so every render of the
 * hooks reading it, happens once per frame however many events arrived.
 * `maxPending` bounds memory when frames stall (a background tab runs no
 * animation frames): past it the oldest pending items are dropped, which is
 * what a bounded buffer downstream would do with them anyway.
 *
 * @example
 * ```ts
 * const batcher = frameBatcher<StreamEvent>((batch) => render(batch));
 * socket.onEvent((event) => batcher.push(event)); // 2,000/s → ≤ 60 renders/s
 * ```
 */
export function frameBatcher<T>(
  deliver: (batch: T[]) => void,
  options: { maxPending?: number | (() => number); schedule?: FrameScheduler } = {},
): FrameBatcher<T> {
  const { maxPending = Number.POSITIVE_INFINITY, schedule = nextFrame } = options;
  const bound = typeof maxPending === "function" ? maxPending : () => maxPending;
  let pending: T[] = [];
  let cancelFrame: (() => void) | undefined;
  const flush = (): void => {
    cancelFrame?.();
    cancelFrame = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    deliver(batch);
  };
  return {
    push(item) {
      pending.push(item);
      // Trim in chunks, not per item: slicing per push would be O(n²).
      if (pending.length > bound() * 2) pending = pending.slice(pending.length - bound());
      cancelFrame ??= schedule(flush);
    },
    flush,
    cancel() {
      cancelFrame?.();
      cancelFrame = undefined;
      pending = [];
    },
    get size() {
      return pending.length;
    },
  };
}
