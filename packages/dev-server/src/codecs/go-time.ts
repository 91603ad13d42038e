/**
 * A Go `time.Time` as the frame codecs need it: whole seconds since the Unix
 * epoch (int64, so a bigint), nanoseconds, and the zone offset the time was
 * parsed with. Keeping nanoseconds (JS dates stop at milliseconds) lets a
 * ping's `ts` come back bit-exactly in the pong, as the Go server echoes it.
 */
import { goQuote } from "../engine/go-quote.js";

export interface GoTime {
  /** Seconds since 1970-01-01T00:00:00Z. */
  sec: bigint;
  /** 0 ≤ nsec < 1e9. */
  nsec: number;
  /** Seconds east of UTC; Go formats the time in this offset. */
  offset: number;
}

const NS_PER_S = 1_000_000_000n;
const RFC3339 = "2006-01-02T15:04:05Z07:00";

/** Go's zero `time.Time` (0001-01-01T00:00:00Z): the `ts` of a frame that had none. */
export const ZERO_TIME: GoTime = { sec: -62135596800n, nsec: 0, offset: 0 };

/** A wall-clock anchor, in ns since the epoch, advanced by a monotonic counter. */
interface Timeline {
  hrtime: () => bigint;
  baseNs: bigint;
  baseHr: bigint;
  lastNs: bigint;
}

let timeline: Timeline | undefined;

/**
 * The server's clock, for everything Go stamps with `time.Now()`: frame and
 * event `ts`, record times. Nanoseconds since the epoch, as on Linux:
 * Date.now() gives the milliseconds once, hrtime the rest. Each reading is
 * later than the one before, so two stamps taken in one step never match
 * (Go's never do either, in practice; clients de-duplicate events on `ts`).
 */
export function clockNanos(): bigint {
  const hrtime = process.hrtime.bigint;
  // Fake timers replace process.hrtime: a fake clock gets a timeline of its
  // own, anchored on its fake Date. The real hrtime never changes.
  if (timeline?.hrtime !== hrtime) {
    timeline = { hrtime, baseNs: BigInt(Date.now()) * 1_000_000n, baseHr: hrtime(), lastNs: 0n };
  }
  const hr = hrtime();
  let ns = timeline.baseNs + (hr - timeline.baseHr);
  // Go reads the wall clock every time: a clock stepped (NTP, a suspended
  // laptop, vi.setSystemTime) shows at once, so re-anchor once hrtime's
  // reckoning is a second off.
  const wall = BigInt(Date.now()) * 1_000_000n;
  if (ns - wall > 1_000_000_000n || wall - ns > 1_000_000_000n) {
    timeline.baseNs = ns = wall;
    timeline.baseHr = hr;
  }
  timeline.lastNs = ns > timeline.lastNs ? ns : timeline.lastNs + 1n;
  return timeline.lastNs;
}

/** A reading of `clockNanos` as a UTC `time.Time`. */
export function timeOfNanos(ns: bigint): GoTime {
  return timeUnix(0n, ns);
}

export function timeNow(): GoTime {
  return timeOfNanos(clockNanos());
}

/** `time.Unix(sec, nsec)`: normalises an out-of-range nanosecond count. */
export function timeUnix(sec: bigint, nsec: bigint): GoTime {
  let s = sec + nsec / NS_PER_S;
  let n = nsec % NS_PER_S;
  if (n < 0n) {
    n += NS_PER_S;
    s -= 1n;
  }
  return { sec: s, nsec: Number(n), offset: 0 };
}

// Howard Hinnant's days_from_civil / civil_from_days, proleptic Gregorian.
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/**
 * `t.Format(time.RFC3339Nano)` in the time's own offset, or `undefined` when
 * the year is outside [0, 9999]: Go's `Time.MarshalJSON` then fails and the
 * frame is never written.
 */
export function formatRFC3339Nano(t: GoTime): string | undefined {
  const local = t.sec + BigInt(t.offset);
  const days = Number((local - (((local % 86400n) + 86400n) % 86400n)) / 86400n);
  const secOfDay = Number(((local % 86400n) + 86400n) % 86400n);
  const [y, m, d] = civilFromDays(days);
  if (y < 0 || y > 9999) return undefined;
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  const fraction = t.nsec === 0 ? "" : `.${pad(t.nsec, 9).replace(/0+$/, "")}`;
  let zone = "Z";
  if (t.offset !== 0) {
    const abs = Math.abs(t.offset);
    zone = `${t.offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor((abs % 3600) / 60), 2)}`;
  }
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}${fraction}${zone}`;
}

/** Go's frame ids: `time.Now().UTC().Format("20060102150405.000000000")`. */
export function frameIdAt(t: GoTime): string {
  const text = formatRFC3339Nano({ ...t, offset: 0 }) ?? "";
  const digits = text.slice(0, 19).replace(/[-T:]/g, "");
  return `${digits}.${pad(t.nsec, 9)}`;
}

export class TimeParseError extends Error {}

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= "0" && s[i]! <= "9";

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function cannotParse(value: string, rest: string, elem: string): TimeParseError {
  return new TimeParseError(
    `parsing time ${goQuote(value)} as ${goQuote(RFC3339)}: cannot parse ${goQuote(rest)} as ${goQuote(elem)}`,
  );
}

/**
 * `time.Parse(time.RFC3339, s)` as `Time.UnmarshalJSON` runs it, with Go's
 * error texts for the common failures (the lenient slow path Go falls back to
 * accepts a one-digit hour, which is reproduced).
 */
export function parseRFC3339(value: string): GoTime {
  let s = value;
  const num = (elem: string, min: number, max: number): number => {
    let n = 0;
    while (n < max && isDigit(s, n)) n++;
    if (n < min) throw cannotParse(value, s, elem);
    const v = Number(s.slice(0, n));
    s = s.slice(n);
    return v;
  };
  const lit = (text: string): void => {
    if (!s.startsWith(text)) throw cannotParse(value, s, text);
    s = s.slice(text.length);
  };
  if (s.length < 4 || !isDigit(s, 0)) throw cannotParse(value, s, "2006");
  const year = num("2006", 4, 4);
  lit("-");
  const month = num("01", 2, 2);
  if (month < 1 || month > 12) throw new TimeParseError(`parsing time ${goQuote(value)}: month out of range`);
  lit("-");
  const day = num("02", 2, 2);
  lit("T");
  const hour = num("15", 1, 2);
  if (hour > 23) throw new TimeParseError(`parsing time ${goQuote(value)}: hour out of range`);
  lit(":");
  const minute = num("04", 2, 2);
  if (minute > 59) throw new TimeParseError(`parsing time ${goQuote(value)}: minute out of range`);
  lit(":");
  const second = num("05", 2, 2);
  if (second > 59) throw new TimeParseError(`parsing time ${goQuote(value)}: second out of range`);
  let nsec = 0;
  if (s.length >= 2 && (s[0] === "." || s[0] === ",") && isDigit(s, 1)) {
    let n = 1;
    while (isDigit(s, n)) n++;
    nsec = Number(s.slice(1, Math.min(n, 10)).padEnd(9, "0"));
    s = s.slice(n);
  }
  let offset = 0;
  if (s.startsWith("Z")) {
    s = s.slice(1);
  } else {
    if (s.length < 6 || (s[0] !== "+" && s[0] !== "-") || s[3] !== ":") throw cannotParse(value, s, "Z07:00");
    const hh = Number(s.slice(1, 3));
    const mm = Number(s.slice(4, 6));
    if (!isDigit(s, 1) || !isDigit(s, 2) || !isDigit(s, 4) || !isDigit(s, 5)) {
      throw cannotParse(value, s, "Z07:00");
    }
    if (hh > 23 || mm > 59)
      throw new TimeParseError(`parsing time ${goQuote(value)}: time zone offset out of range`);
    offset = (s[0] === "-" ? -1 : 1) * (hh * 3600 + mm * 60);
    s = s.slice(6);
  }
  if (s !== "") throw new TimeParseError(`parsing time ${goQuote(value)}: extra text: ${goQuote(s)}`);
  if (day < 1 || day > daysIn(month, year)) {
    throw new TimeParseError(`parsing time ${goQuote(value)}: day out of range`);
  }
  const days = daysFromCivil(year, month, day);
  const sec = BigInt(days) * 86400n + BigInt(hour * 3600 + minute * 60 + second - offset);
  return { sec, nsec, offset };
}

/**
 * The msgpack timestamp payload (ext −1) as vmihailenco/msgpack writes it:
 * 4 bytes when it fits in 32 bits of seconds and no nanoseconds, 8 bytes for
 * 34-bit seconds, else 12 bytes (the zero time takes this form).
 */
export function encodeTimeSpec(t: GoTime): Uint8Array {
  const secs = BigInt.asUintN(64, t.sec);
  if (secs >> 34n === 0n) {
    const data = (BigInt(t.nsec) << 34n) | secs;
    if ((data & 0xffffffff00000000n) === 0n) {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, Number(data));
      return out;
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, data);
    return out;
  }
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(0, t.nsec);
  view.setBigUint64(4, secs);
  return out;
}

/** Decodes a timestamp payload; `undefined` for a length Go refuses. */
export function decodeTimeSpec(b: Uint8Array): GoTime | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (b.length) {
    case 4:
      return timeUnix(BigInt(view.getUint32(0)), 0n);
    case 8: {
      const v = view.getBigUint64(0);
      return timeUnix(v & 0x3ffffffffn, v >> 34n);
    }
    case 12:
      return timeUnix(BigInt.asIntN(64, view.getBigUint64(4)), BigInt(view.getUint32(0)));
    default:
      return undefined;
  }
}
