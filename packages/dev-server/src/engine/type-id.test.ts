import { afterEach, describe, expect, it, vi } from "vitest";
import { goQuote } from "./go-quote.js";
import { formatRFC3339, formatRFC3339Nano } from "./go-time.js";
import { newTypeId, parseTypeId, TypeIdError, typeIdError } from "./type-id.js";

const VALID_SUFFIX = "01h455vb4pex5vsknk084sn02q";

afterEach(() => {
  vi.useRealTimers();
});

describe("newTypeId", () => {
  it("mints prefix_ + 26 lowercase Crockford chars starting 0-7", () => {
    for (const prefix of ["job", "wfrun", "evt", "ckpt"] as const) {
      const id = newTypeId(prefix);
      expect(id).toMatch(new RegExp(`^${prefix}_[0-7][0-9a-hjkmnp-tv-z]{25}$`));
      expect(parseTypeId(id, prefix)).toEqual({ prefix, suffix: id.slice(prefix.length + 1) });
    }
  });

  it("encodes the UUIDv7 millisecond timestamp in the first 10 chars", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2023-06-30T12:00:00.000Z"));
    const a = newTypeId("job");
    // 1688126400000 ms: 48 bits behind 2 zero bits make the first 10 base32 chars.
    expect(a.slice(4, 14)).toBe("01h462s9g0");
    vi.setSystemTime(new Date("2023-06-30T12:00:00.001Z"));
    expect(newTypeId("job").slice(4, 14)).toBe("01h462s9g1");
  });

  it("stays sortable within one millisecond", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-01-02T03:04:05.000Z"));
    const ids = Array.from({ length: 50 }, () => newTypeId("ckpt"));
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe("parseTypeId", () => {
  it.each([
    ["", 'id: parse "": empty string'],
    ["job_", 'id: parse "job_": typeid: suffix cannot be empty'],
    ["job_abc", 'id: parse "job_abc": typeid: suffix length must be 26, got 3'],
    ["nope", 'id: parse "nope": typeid: suffix length must be 26, got 4'],
    [
      `job_8${VALID_SUFFIX.slice(1)}`,
      `id: parse "job_8${VALID_SUFFIX.slice(1)}": typeid: suffix must start with 0-7, got '8'`,
    ],
    [
      `job_${VALID_SUFFIX.slice(0, 5)}i${VALID_SUFFIX.slice(6)}`,
      `id: parse "job_${VALID_SUFFIX.slice(0, 5)}i${VALID_SUFFIX.slice(6)}": typeid: invalid suffix encoding: illegal base32 data at offset 5`,
    ],
    [
      `_${VALID_SUFFIX}`,
      `id: parse "_${VALID_SUFFIX}": typeid: prefix cannot be empty when separator "_" is present`,
    ],
    [
      `Job_${VALID_SUFFIX}`,
      `id: parse "Job_${VALID_SUFFIX}": typeid: prefix must contain only [a-z_], found 'J' in "Job"`,
    ],
    [
      `job__${VALID_SUFFIX}`,
      `id: parse "job__${VALID_SUFFIX}": typeid: prefix cannot end with underscore, got "job_"`,
    ],
    [`wfrun_${VALID_SUFFIX}`, 'id: expected prefix "job", got "wfrun"'],
    [VALID_SUFFIX, 'id: expected prefix "job", got ""'],
    ["0".repeat(26), 'id: expected prefix "job", got ""'],
  ])("rejects %j like Go", (input, message) => {
    expect(() => parseTypeId(input, "job")).toThrow(new TypeIdError(message));
    expect(typeIdError(input, "job")).toBe(message);
  });

  it("accepts a valid id", () => {
    expect(typeIdError(`job_${VALID_SUFFIX}`, "job")).toBeUndefined();
    expect(parseTypeId(`wfrun_${VALID_SUFFIX}`, "wfrun")).toEqual({ prefix: "wfrun", suffix: VALID_SUFFIX });
  });
});

describe("go formats", () => {
  it("formats RFC3339Nano with trailing zeros trimmed", () => {
    expect(formatRFC3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5, 120))).toBe("2026-01-02T03:04:05.12Z");
    expect(formatRFC3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5, 7))).toBe("2026-01-02T03:04:05.007Z");
    expect(formatRFC3339Nano(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0)))).toBe("2026-01-02T03:04:05Z");
  });

  it("formats RFC3339 by truncating to the second", () => {
    expect(formatRFC3339(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toBe("2026-01-02T03:04:05Z");
  });

  it("quotes like Go's %q", () => {
    expect(goQuote('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\x01é"');
  });
});
