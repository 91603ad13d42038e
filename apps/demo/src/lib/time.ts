/**
 * Milliseconds since the epoch of an RFC 3339 time with up to nine
 * fractional digits (the server's format); NaN when absent or unreadable.
 */
export function timeOf(iso: string | undefined): number {
  if (iso === undefined) return Number.NaN;
  return Date.parse(iso.replace(/(\.\d{3})\d+/, "$1"));
}

/** `850 ms`, `4.2 s`, `3 m 05 s`, `—` when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1_000);
  return `${minutes} m ${String(seconds).padStart(2, "0")} s`;
}

/** `14:03:27.412` in local time, `—` when unknown. */
export function clockTime(iso: string | undefined): string {
  const ms = timeOf(iso);
  if (Number.isNaN(ms)) return "—";
  const date = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The last `length` characters of an id (`job_01h…xyz` → `…xyz`), enough to tell rows apart. */
export function shortId(id: string, length = 6): string {
  return id.length <= length ? id : `…${id.slice(-length)}`;
}
