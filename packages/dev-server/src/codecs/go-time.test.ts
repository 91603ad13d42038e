import { describe, expect, it } from "vitest";
import {
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
