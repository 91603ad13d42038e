import { describe, expect, it, vi } from "vitest";
import { sleep, useEngine } from "../../test/engine-harness.js";
import type { Engine, EngineOptions } from "./types.js";

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 600);

const harness = useEngine(T0);
const { events, next } = harness;
let engine: Engine;
const start = (options: EngineOptions): Engine => {
  engine = harness.start(options);
  return engine;
};

const types = (): string[] => events.map((e) => e.type);

describe("retries and the DLQ", () => {
  it("retries with backoff, then fails and dead-letters", async () => {
    const attempts: number[] = [];
    start({
      backoff: (attempt) => attempt * 1000,
      jobs: {
        boom: (ctx) => {
          attempts.push(ctx.attempt);
          throw new Error("boom");
        },
      },
    });
    const job = engine.enqueue({ name: "boom", payload: undefined });
    const retrying = await next("job.retrying");
    expect(Object.keys(retrying.data)).toEqual(["job_id", "job_name", "queue", "attempt", "next_run_at"]);
    // 05.6 + 1 s, truncated to the second; no error field.
    expect(retrying.data).toEqual({
      job_id: job.id,
      job_name: "boom",
      queue: "default",
      attempt: 1,
      next_run_at: "2026-01-02T03:04:06Z",
    });
    expect(engine.getJob(job.id)).toMatchObject({
      state: "retrying",
      retry_count: 1,
      last_error: "boom",
      run_at: "2026-01-02T03:04:06.6Z",
    });

    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(2000 + 3000);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(types()).toEqual([
      "job.enqueued",
      ...["job.started", "job.retrying"],
      ...["job.started", "job.retrying"],
      ...["job.started", "job.retrying"],
      ...["job.started", "job.failed", "job.dlq"],
    ]);
    const failed = events.at(-2);
    const dlq = events.at(-1);
    expect(failed?.data).toEqual({ job_id: job.id, job_name: "boom", queue: "default", error: "boom" });
    expect(dlq?.data).toEqual(failed?.data);
    expect(events.filter((e) => e.type === "job.retrying").map((e) => e.data.attempt)).toEqual([1, 2, 3]);
    const final = engine.getJob(job.id);
    expect(final).toMatchObject({ state: "failed", retry_count: 4, max_retries: 3, last_error: "boom" });
    expect(final).not.toHaveProperty("completed_at");
  });

  it("dead-letters on the first failure with maxRetries 0, whatever is thrown", async () => {
    start({ maxRetries: 0, jobs: { odd: () => Promise.reject("plain string") } });
    const job = engine.enqueue({ name: "odd", payload: undefined });
    await next("job.dlq");
    expect(types()).toEqual(["job.enqueued", "job.started", "job.failed", "job.dlq"]);
    expect(engine.getJob(job.id)).toMatchObject({
      state: "failed",
      retry_count: 1,
      last_error: "plain string",
    });
  });

  it("fails the attempt when the payload is not JSON", async () => {
    let ran = false;
    start({
      maxRetries: 0,
      jobs: {
        typed: () => {
          ran = true;
        },
      },
    });
    engine.enqueue({ name: "typed", payload: new TextEncoder().encode("{oops") });
    const failed = await next("job.failed");
    expect(ran).toBe(false);
    expect(failed.data.error).toMatch(/^unmarshal payload for job "typed": /);
  });
  it("waits out a backoff longer than one timer holds without spinning", async () => {
    const DAY = 24 * 3600_000;
    start({ heartbeatIntervalMs: 0, staleJobThresholdMs: 0, backoff: () => 30 * DAY, jobs: { flaky } });
    let attempts = 0;
    function flaky(): void {
      attempts++;
      throw new Error("boom");
    }
    engine.enqueue({ name: "flaky", payload: undefined });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    // Re-arming a 1 ms timer until run_at would fire it about a thousand times.
    const armed = vi.spyOn(globalThis, "setTimeout");
    await vi.advanceTimersByTimeAsync(1000);
    expect(armed).not.toHaveBeenCalled();
    armed.mockRestore();
    await vi.advanceTimersByTimeAsync(30 * DAY - 1001);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(2);
  });
});

describe("Go quirks", () => {
  it("cancels the handler's signal after the 5-minute job timeout", async () => {
    start({
      maxRetries: 0,
      jobs: {
        stuck: (ctx) =>
          new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))),
      },
    });
    engine.enqueue({ name: "stuck", payload: undefined });
    await vi.advanceTimersByTimeAsync(299_999);
    expect(types()).toEqual(["job.enqueued", "job.started"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(events.at(-1)?.data.error).toBe("context deadline exceeded");
  });

  it("leaves a job with no handler running, with no further events", async () => {
    start({ staleJobThresholdMs: 0 });
    const job = engine.enqueue({ name: "nobody-home", payload: undefined });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(types()).toEqual(["job.enqueued", "job.started"]);
    expect(engine.getJob(job.id)).toMatchObject({
      state: "running",
      retry_count: 0,
      // run_at, created_at, the enqueued ts, then DequeueJobs' reading.
      started_at: "2026-01-02T03:04:05.600000003Z",
    });
  });

  it("has the stale-job reaper restart a handler-less job (Go's 30 s ticker)", async () => {
    start({});
    const job = engine.enqueue({ name: "nobody-home", payload: undefined });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(types()).toEqual(["job.enqueued", "job.started"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(types()).toEqual(["job.enqueued", "job.started", "job.started"]);
    // The reaper's cutoff, run_at and UpdateJob readings come first.
    expect(engine.getJob(job.id)).toMatchObject({
      state: "running",
      started_at: "2026-01-02T03:05:05.600000003Z",
    });
  });

  it("never runs a job cancelled while pending, and publishes nothing for it", async () => {
    let runs = 0;
    start({ concurrency: 1, jobs: { work: () => void runs++ } });
    const job = engine.enqueue({ name: "work", payload: undefined });
    expect(engine.cancelJob(job.id)).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(0);
    expect(types()).toEqual(["job.enqueued"]);
    expect(engine.getJob(job.id)?.state).toBe("cancelled");
    expect(engine.cancelJob("job_01h455vb4pex5vsknk084sn02q")).toBe(false);
  });

  it("loses a cancel of a running job: the executor's copy overwrites it", async () => {
    start({ jobs: { work: () => sleep(100) } });
    const job = engine.enqueue({ name: "work", payload: undefined });
    await next("job.started");
    vi.advanceTimersByTime(40);
    expect(engine.cancelJob(job.id)).toBe(true);
    expect(engine.getJob(job.id)).toMatchObject({
      state: "cancelled",
      updated_at: "2026-01-02T03:04:05.64Z",
    });
    expect(types()).toEqual(["job.enqueued", "job.started"]);
    await vi.advanceTimersByTimeAsync(60);
    expect(types()).toEqual(["job.enqueued", "job.started", "job.completed"]);
    expect(engine.getJob(job.id)?.state).toBe("completed");
  });

  it("shows heartbeat_at while running, then loses it to the executor's copy", async () => {
    start({
      jobs: {
        resize: async (ctx) => {
          await sleep(50);
          ctx.heartbeat();
          await sleep(50);
        },
      },
    });
    const job = engine.enqueue({ name: "resize", payload: undefined });
    await vi.advanceTimersByTimeAsync(60);
    expect(engine.getJob(job.id)).toMatchObject({
      state: "running",
      heartbeat_at: "2026-01-02T03:04:05.65Z",
      updated_at: "2026-01-02T03:04:05.600000001Z",
    });
    await vi.advanceTimersByTimeAsync(40);
    expect(engine.getJob(job.id)?.state).toBe("completed");
    expect(engine.getJob(job.id)).not.toHaveProperty("heartbeat_at");
  });

  it("heartbeats running jobs every 10 s from the pool", async () => {
    start({ jobs: { slow: () => sleep(15_000) } });
    const job = engine.enqueue({ name: "slow", payload: undefined });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(engine.getJob(job.id)).toMatchObject({ state: "running", heartbeat_at: "2026-01-02T03:04:15.6Z" });
  });
});

describe("close", () => {
  it("stops timers, aborts running handlers and publishes nothing more", async () => {
    let signal: AbortSignal | undefined;
    start({
      backoff: () => 1000,
      jobs: {
        flaky: () => Promise.reject(new Error("nope")),
        slow: (ctx) => {
          signal = ctx.signal;
          return sleep(60_000);
        },
      },
    });
    const flaky = engine.enqueue({ name: "flaky", payload: undefined });
    engine.enqueue({ name: "slow", payload: undefined });
    await next("job.retrying");
    expect(signal?.aborted).toBe(false);
    engine.close();
    expect(signal?.aborted).toBe(true);
    const count = events.length;
    const timers = vi.getTimerCount();
    // Only the slow handler's own sleep is left; the retry timer and tickers are gone.
    expect(timers).toBe(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(events.length).toBe(count);
    expect(engine.getJob(flaky.id)?.state).toBe("retrying");
  });
});
