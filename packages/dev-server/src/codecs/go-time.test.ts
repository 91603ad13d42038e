import { afterEach, describe, expect, it, vi } from "vitest";
import {
  clockNanos,
  decodeTimeSpec,
  encodeTimeSpec,
  formatRFC3339Nano,
  frameIdAt,
  parseRFC3339,
  ZERO_TIME,
} from "./go-time.js";

describe("Go time", () => {
  it("formats RFC 3339 with trimmed nanoseconds and the parsed offset", () => {
    expect(formatRFC3339Nano(parseRFC3339("2026-01-02T03:04:05.465002100Z"))).toBe(
      "2026-01-02T03:04:05.4650021Z",
    );
    expect(formatRFC3339Nano(parseRFC3339("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05Z");
    expect(formatRFC3339Nano(parseRFC3339("2026-01-02T03:04:05-07:00"))).toBe("2026-01-02T03:04:05-07:00");
    expect(formatRFC3339Nano(parseRFC3339("2026-01-02T03:04:05+00:00"))).toBe("2026-01-02T03:04:05Z");
    expect(formatRFC3339Nano(ZERO_TIME)).toBe("0001-01-01T00:00:00Z");
  });

  it("fails with Go's messages", () => {
    expect(() => parseRFC3339("2026-13-01T00:00:00Z")).toThrow(
      'parsing time "2026-13-01T00:00:00Z": month out of range',
    );
    expect(() => parseRFC3339("2026-01-02")).toThrow(
      'parsing time "2026-01-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"',
    );
    expect(() => parseRFC3339("2026-01-02T03:04:05Zjunk")).toThrow('extra text: "junk"');
  });

  it("encodes msgpack timestamps in the 4, 8 and 12 byte forms", () => {
    expect(Buffer.from(encodeTimeSpec(parseRFC3339("2026-01-02T03:04:05Z"))).length).toBe(4);
    expect(Buffer.from(encodeTimeSpec(parseRFC3339("2026-01-02T03:04:05.123456789Z"))).toString("hex")).toBe(
      "1d6f3454695735a5",
    );
    expect(Buffer.from(encodeTimeSpec(ZERO_TIME)).toString("hex")).toBe("00000000fffffff1886e0900");
    expect(decodeTimeSpec(Buffer.from("00000000fffffff1886e0900", "hex"))).toEqual(ZERO_TIME);
  });

  it("builds frame ids from the time", () => {
    expect(frameIdAt(parseRFC3339("2026-01-02T03:04:05.1Z"))).toBe("20260102030405.100000000");
  });
});

describe("clockNanos", () => {
  afterEach(() => vi.useRealTimers());

  it("never repeats or goes backwards", () => {
    const readings = Array.from({ length: 10_000 }, () => clockNanos());
    expect(readings.every((ns, i) => i === 0 || ns > (readings[i - 1] ?? ns))).toBe(true);
    // Nanoseconds since the epoch, within a second of Date.now().
    const ms = Number((readings.at(-1) ?? 0n) / 1_000_000n);
    expect(Math.abs(ms - Date.now())).toBeLessThan(1000);
  });

  it("follows a fake clock from its first reading, 1 ns apart while it stands still", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 2, 3, 4, 5));
    const t0 = 1_767_323_045_000_000_000n;
    expect([clockNanos(), clockNanos()]).toEqual([t0, t0 + 1n]);
    vi.advanceTimersByTime(5);
    expect(clockNanos()).toBe(t0 + 5_000_000n);
  });
});

describe("clockNanos after the wall clock is stepped", () => {
  afterEach(() => vi.useRealTimers());

  it("follows a wall clock moved on while the monotonic clock stood still (a suspended laptop, NTP)", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 2, 3, 4, 5));
    clockNanos();
    vi.setSystemTime(Date.UTC(2026, 0, 2, 4, 4, 5));
    const later = clockNanos();
    expect(later / 1_000_000n).toBe(BigInt(Date.UTC(2026, 0, 2, 4, 4, 5)));
  });

  it("follows vi.setSystemTime without fake timers (only Date mocked)", () => {
    clockNanos();
    vi.setSystemTime(Date.UTC(2030, 0, 1));
    try {
      expect(clockNanos() / 1_000_000n).toBeGreaterThanOrEqual(BigInt(Date.UTC(2030, 0, 1)));
      expect(clockNanos() / 1_000_000n).toBeLessThan(BigInt(Date.UTC(2030, 0, 1) + 1000));
    } finally {
      vi.useRealTimers();
    }
  });
});
