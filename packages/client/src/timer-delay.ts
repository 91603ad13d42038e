/** The longest delay `setTimeout` honours (about 24.8 days). */
export const MAX_TIMER_DELAY = 2_147_483_647;

/**
 * A user's timeout as a `setTimeout` delay. Runtimes fire a longer delay
 * (`Infinity` included) after 1 ms instead, so `timeout: Infinity` would time
 * out at once; capped, it waits as long as a timer can.
 *
 * @example
 * ```ts
 * setTimeout(onTimeout, timerDelay(options.timeout)); // Infinity → ~24.8 days
 * ```
 */
export function timerDelay(ms: number): number {
  return Math.min(MAX_TIMER_DELAY, Math.max(0, ms));
}
