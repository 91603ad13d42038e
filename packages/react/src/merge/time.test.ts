import { describe, expect, it } from "vitest";
import { latest, timeOf } from "./time.js";

describe("timeOf", () => {
  it("keeps sub-millisecond order and honours offsets", () => {
    expect(timeOf("2026-01-02T03:04:05.0000001Z")).toBeLessThan(timeOf("2026-01-02T03:04:05.000001Z"));
    expect(timeOf("2026-01-02T04:04:05+01:00")).toBe(timeOf("2026-01-02T03:04:05Z"));
    expect(timeOf("2026-01-02T03:04:05.5Z") - timeOf("2026-01-02T03:04:05Z")).toBe(500);
    expect(timeOf(undefined)).toBeNaN();
    expect(timeOf("garbage")).toBeNaN();
  });

  it("latest skips missing times", () => {
    expect(latest(undefined, "2026-01-02T03:04:05Z")).toBe(timeOf("2026-01-02T03:04:05Z"));
    expect(latest()).toBe(Number.NEGATIVE_INFINITY);
  });
});
