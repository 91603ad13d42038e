/**
 * Go `time.Time` text formats, as the Go server writes timestamps. The
 * engine's times are `clockNanos` readings (bigint ns since the epoch), which
 * carry nanoseconds like Go's `time.Now()`; a number or Date is milliseconds.
 */
import { clockNanos, formatRFC3339Nano as formatGoTime, timeOfNanos } from "../codecs/go-time.js";

export { clockNanos };

/**
 * Formats like Go's `time.RFC3339Nano` in UTC (what `encoding/json` writes for
 * a `time.Time`): fractional seconds with trailing zeros trimmed, the dot
 * dropped when nothing is left, and a `Z` suffix.
 */
export function formatRFC3339Nano(time: Date | number | bigint): string {
  if (typeof time === "bigint") {
    const text = formatGoTime(timeOfNanos(time));
    if (text === undefined) throw new RangeError(`time out of range: ${time} ns`);
    return text;
  }
  const iso = new Date(time).toISOString(); // 2026-01-02T03:04:05.120Z
  const fraction = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}Z`;
}

/**
 * A monotonic clock reading (ns), for `elapsedMsSince`. It never steps with
 * the wall clock; fake timers replace `process.hrtime` too.
 */
export function monotonicNanos(): bigint {
  return process.hrtime.bigint();
}

/**
 * Go's `time.Since(start).Milliseconds()`: the monotonic duration, truncated.
 * A difference of `Date.now()` readings rounds sub-millisecond work that
 * crosses a millisecond boundary up to 1, where Go omits `elapsed_ms`.
 */
export function elapsedMsSince(start: bigint): number {
  // Fake timers installed or removed meanwhile swap hrtime's origin.
  const ns = monotonicNanos() - start;
  return ns > 0n ? Number(ns / 1_000_000n) : 0;
}

/** `time.Now().UTC()` as `encoding/json` writes it: the `ts` of a stream event. */
export function nowRFC3339Nano(): string {
  return formatRFC3339Nano(clockNanos());
}

/**
 * Formats like Go's `time.RFC3339` in UTC: whole seconds, truncated rather
 * than rounded (Go's `Format` drops the fraction). Used for `next_run_at`.
 */
export function formatRFC3339(time: Date | number | bigint): string {
  const ms = typeof time === "bigint" ? Number(time / 1_000_000n) : time;
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
