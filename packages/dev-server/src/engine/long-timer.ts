/** The longest delay `setTimeout` honours (about 24.8 days). */
export const MAX_TIMER_DELAY = 2_147_483_647;

/** Cancels a `setLongTimeout`. */
export type CancelTimer = () => void;

/**
 * `setTimeout` for Go durations. Go's `time.After` and `context.WithTimeout`
 * take up to ~292 years, while runtimes fire a delay over ~24.8 days (or
 * `Infinity`) after 1 ms: a 30-day workflow sleep would end at once. Longer
 * delays run as a chain of the longest timers; `Infinity` never fires.
 *
 * @example
 * ```ts
 * const cancel = setLongTimeout(() => resolve(null), 30 * 24 * 3600_000);
 * ```
 */
export function setLongTimeout(fn: () => void, ms: number): CancelTimer {
  if (ms === Number.POSITIVE_INFINITY) return () => {};
  let left = Math.max(0, ms);
  let timer: ReturnType<typeof setTimeout>;
  const arm = (): void => {
    const chunk = Math.min(left, MAX_TIMER_DELAY);
    left -= chunk;
    timer = setTimeout(left > 0 ? arm : fn, chunk);
  };
  arm();
  return () => clearTimeout(timer);
}
