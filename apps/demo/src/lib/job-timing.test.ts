import type { Job } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { attemptsOf } from "./job-timing";

const job = (state: Job["state"], retry_count: number, started = true): Job =>
  ({
    id: "job_01h455vb4pex5vsknk084sn02q",
    state,
    retry_count,
    max_retries: 3,
    ...(started ? { started_at: "2026-01-02T03:04:05Z" } : {}),
  }) as Job;

describe("attemptsOf", () => {
  it("counts each failure once: retry_count already includes the attempt that failed", () => {
    // Three retries allowed, all four runs failed: the engine's retry_count is 4.
    expect(attemptsOf(job("failed", 4))).toBe(4);
    expect(attemptsOf(job("retrying", 2))).toBe(2);
  });

  it("counts the attempt under way, or the one that succeeded", () => {
    expect(attemptsOf(job("running", 2))).toBe(3);
    expect(attemptsOf(job("completed", 0))).toBe(1);
    expect(attemptsOf(job("pending", 0, false))).toBe(0);
  });
});
