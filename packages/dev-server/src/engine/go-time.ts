/**
 * Go `time.Time` text formats, as the Go server writes timestamps. JS dates
 * carry milliseconds, so at most three fractional digits ever appear.
 */

/**
 * Formats like Go's `time.RFC3339Nano` in UTC (what `encoding/json` writes for
 * a `time.Time`): fractional seconds with trailing zeros trimmed, the dot
 * dropped when nothing is left, and a `Z` suffix.
 */
export function formatRFC3339Nano(time: Date | number): string {
  const iso = new Date(time).toISOString(); // 2026-01-02T03:04:05.120Z
  const fraction = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}Z`;
}

/**
 * Formats like Go's `time.RFC3339` in UTC: whole seconds, truncated rather
 * than rounded (Go's `Format` drops the fraction). Used for `next_run_at`.
 */
export function formatRFC3339(time: Date | number): string {
  return `${new Date(time).toISOString().slice(0, 19)}Z`;
}
