import { ValidationError } from "./errors.js";

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

/**
 * The `ValidationError` for a per-call timeout (or poll interval) that is not
 * a positive number, or `undefined` when it is fine (or absent). `NaN` would
 * never fire on the shared request timer; `0` or less would time out before
 * the frame left, or poll in a tight loop.
 */
export function invalidTimeout(timeout: number | undefined, name = "timeout"): ValidationError | undefined {
  if (timeout === undefined || (typeof timeout === "number" && timeout > 0)) return undefined;
  return new ValidationError(`${name} must be a positive number of ms, got ${String(timeout)}`);
}
