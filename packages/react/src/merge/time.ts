const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/**
 * Milliseconds since the epoch of an RFC 3339 time, keeping the fraction
 * below a millisecond (the server sends up to nine digits, and two events of
 * one job can fall in the same millisecond). `NaN` for anything else.
 *
 * @example
 * ```ts
 * timeOf("2026-01-02T03:04:05.000000500Z") > timeOf("2026-01-02T03:04:05Z"); // true
 * ```
 */
export function timeOf(ts: string | undefined): number {
  if (ts === undefined) return Number.NaN;
  const match = RFC3339.exec(ts);
  if (!match) return Date.parse(ts);
  const whole = Date.parse(`${match[1]}${match[3]}`);
  const fraction = match[2] === undefined ? 0 : Number(`0${match[2]}`) * 1000;
  return whole + fraction;
}

/** The latest of some times; `-Infinity` when none parses. */
export function latest(...times: Array<string | undefined>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const ts of times) {
    const t = timeOf(ts);
    if (t > max) max = t;
  }
  return max;
}
