import type { Job, JobEvent, JobEventType } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { applyJobEvent, compareJobProgress, isTerminalJob, reconcileJob } from "./job.js";

const ID = "job_01h455vb4pex5vsknk084sn02q";
const t = (ms: number): string => new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + ms).toISOString();

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: ID,
    name: "send-email",
    queue: "default",
    payload: null,
    state: "pending",
    priority: 0,
    max_retries: 3,
    retry_count: 0,
    run_at: t(0),
    created_at: t(0),
    updated_at: t(0),
    ...overrides,
  };
}

function event(type: JobEventType, ms: number, data: Partial<JobEvent["data"]> = {}): JobEvent {
  return {
    type,
    ts: t(ms),
    topic: `job:${ID}`,
    data: { job_id: ID, job_name: "send-email", queue: "default", ...data },
  };
}

const fold = (start: Job, events: JobEvent[]): Job | undefined =>
  events.reduce<Job | undefined>((acc, e) => applyJobEvent(acc, e), start);

describe("applyJobEvent", () => {
  it("follows a job from pending to completed", () => {
    const running = applyJobEvent(job(), event("job.started", 10));
    expect(running).toMatchObject({ state: "running", started_at: t(10) });
    const done = applyJobEvent(running, event("job.completed", 20, { elapsed_ms: 10 }));
    expect(done).toMatchObject({ state: "completed", completed_at: t(20) });
  });

  it("returns the same object when an event changes nothing (no render)", () => {
    const done = job({ state: "completed", completed_at: t(20) });
    expect(applyJobEvent(done, event("job.started", 10))).toBe(done);
    expect(applyJobEvent(done, event("job.completed", 20))).toBe(done);
    const pending = job();
    expect(applyJobEvent(pending, event("job.enqueued", 0))).toBe(pending);
  });

  it("keeps undefined undefined and ignores another job's events", () => {
    expect(applyJobEvent(undefined, event("job.started", 1))).toBeUndefined();
    const other = job({ id: "job_other" });
    expect(applyJobEvent(other, event("job.completed", 1))).toBe(other);
  });

  it("is idempotent under duplicates", () => {
    const events = [event("job.started", 10), event("job.retrying", 20, { attempt: 1, next_run_at: t(500) })];
    const once = fold(job(), events);
    const twice = fold(job(), [...events, ...events]);
    expect(twice).toEqual(once);
    expect(twice).toMatchObject({ state: "retrying", retry_count: 1, run_at: t(500) });
  });

  it("never moves a finished job backwards, whatever arrives late", () => {
    const done = fold(job(), [event("job.started", 10), event("job.completed", 20)]);
    expect(fold(done as Job, [event("job.started", 10), event("job.retrying", 15, { attempt: 1 })])).toBe(
      done,
    );
    const failed = job({ state: "failed", retry_count: 4, last_error: "boom" });
    expect(fold(failed, [event("job.started", 1), event("job.completed", 2)])).toBe(failed);
  });

  it("cycles running → retrying → running → completed, by retry count", () => {
    const end = fold(job(), [
      event("job.started", 10),
      event("job.retrying", 20, { attempt: 1, next_run_at: t(100) }),
      event("job.started", 100),
      event("job.retrying", 110, { attempt: 2, next_run_at: t(300) }),
      event("job.started", 300),
      event("job.completed", 320),
    ]);
    expect(end).toMatchObject({ state: "completed", retry_count: 2, started_at: t(300) });
  });

  it("ignores a late started of the previous attempt but takes the next one", () => {
    const retrying = fold(job(), [
      event("job.started", 10),
      event("job.retrying", 20, { attempt: 1 }),
    ]) as Job;
    // The first attempt's started, delivered again after the retrying event.
    expect(applyJobEvent(retrying, event("job.started", 10))).toBe(retrying);
    expect(applyJobEvent(retrying, event("job.started", 200))).toMatchObject({ state: "running" });
  });

  it("ignores an older retrying after a newer one (reordered)", () => {
    const second = fold(job(), [event("job.retrying", 200, { attempt: 2 })]) as Job;
    expect(second.retry_count).toBe(2);
    expect(applyJobEvent(second, event("job.retrying", 100, { attempt: 1 }))).toBe(second);
  });

  it("applies reordered events to the same end state", () => {
    const events = [
      event("job.started", 10),
      event("job.retrying", 20, { attempt: 1 }),
      event("job.started", 30),
      event("job.completed", 40),
    ];
    const shuffled = [events[3], events[1], events[0], events[2]] as JobEvent[];
    expect(fold(job(), shuffled)?.state).toBe("completed");
  });

  it("records the error on failed and dlq, and the next run on retrying", () => {
    const failed = fold(job({ state: "running", retry_count: 3 }), [
      event("job.failed", 10, { error: "always-fails" }),
      event("job.dlq", 11, { error: "always-fails" }),
    ]);
    expect(failed).toMatchObject({ state: "failed", last_error: "always-fails" });
  });

  it("lets a cancelled job take only events newer than the cancel", () => {
    const cancelled = job({ state: "cancelled", started_at: t(10), updated_at: t(50) });
    expect(applyJobEvent(cancelled, event("job.completed", 40))).toBe(cancelled);
    // The executor finished after the cancel and wrote over it.
    expect(applyJobEvent(cancelled, event("job.completed", 60))).toMatchObject({ state: "completed" });
    expect(applyJobEvent(cancelled, event("job.retrying", 60, { attempt: 1 }))).toMatchObject({
      state: "retrying",
    });
    expect(applyJobEvent(cancelled, event("job.started", 60))).toBe(cancelled);
  });

  it("orders events within one millisecond by their nanoseconds", () => {
    const retrying = job({ state: "retrying", retry_count: 1, updated_at: "2026-01-02T03:04:05.000000900Z" });
    const late = { ...event("job.started", 0), ts: "2026-01-02T03:04:05.0000001Z" };
    const next = { ...event("job.started", 0), ts: "2026-01-02T03:04:05.000001Z" };
    expect(applyJobEvent(retrying, late)).toBe(retrying);
    expect(applyJobEvent(retrying, next)?.state).toBe("running");
  });
});

describe("reconcileJob (a refetch racing events)", () => {
  it("keeps the cache when the read is behind it", () => {
    const cached = job({ state: "completed", completed_at: t(20) });
    expect(reconcileJob(cached, job({ state: "running", started_at: t(10) }))).toBe(cached);
    const retried = job({ state: "running", retry_count: 1 });
    expect(reconcileJob(retried, job({ state: "retrying", retry_count: 1 }))).toBe(retried);
    expect(reconcileJob(retried, job({ state: "running", retry_count: 0 }))).toBe(retried);
  });

  it("takes the server's copy when it is level or ahead", () => {
    const fetched = job({ state: "running", started_at: t(10), heartbeat_at: t(15) });
    expect(reconcileJob(job({ state: "running", started_at: t(10) }), fetched)).toBe(fetched);
    expect(reconcileJob(job(), fetched)).toBe(fetched);
    expect(reconcileJob(undefined, fetched)).toBe(fetched);
    const cancelled = job({ state: "cancelled" });
    expect(reconcileJob(job({ state: "completed" }), cancelled)).toBe(cancelled);
  });

  it("lets an executor's write after a cancel through", () => {
    const after = job({ state: "retrying", retry_count: 1 });
    expect(reconcileJob(job({ state: "cancelled" }), after)).toBe(after);
  });
});

describe("progress helpers", () => {
  it("orders (retry_count, phase)", () => {
    expect(compareJobProgress(job({ state: "retrying", retry_count: 1 }), job({ state: "running" }))).toBe(1);
    expect(compareJobProgress(job({ state: "running" }), job({ state: "pending" }))).toBe(1);
    expect(compareJobProgress(job({ state: "failed" }), job({ state: "completed" }))).toBe(0);
    expect(isTerminalJob(job({ state: "cancelled" }))).toBe(true);
    expect(isTerminalJob(job({ state: "retrying" }))).toBe(false);
    expect(isTerminalJob(undefined)).toBe(false);
  });
});
