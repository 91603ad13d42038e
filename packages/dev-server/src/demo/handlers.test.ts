import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEngine, type Engine, type StreamEvent } from "../engine/index.js";
import { demoBackoff, demoJobs, demoWorkflows } from "./handlers.js";

let engine: Engine;
let events: StreamEvent[];

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2026, 0, 2, 3, 4, 5));
  engine = createEngine({ jobs: demoJobs, workflows: demoWorkflows, backoff: demoBackoff });
  events = [];
  engine.onEvent((event) => events.push(event));
});

afterEach(() => {
  engine.close();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const typesFor = (id: string): string[] => events.filter((e) => e.topic.endsWith(id)).map((e) => e.type);

describe("demo jobs", () => {
  it("completes send-email and resize-image within their time budgets", async () => {
    const email = engine.enqueue({ name: "send-email", payload: undefined });
    const image = engine.enqueue({ name: "resize-image", payload: undefined });
    await vi.advanceTimersByTimeAsync(2000);
    expect(engine.getJob(email.id)?.state).toBe("completed");
    expect(engine.getJob(image.id)?.state).toBe("completed");
  });

  it("runs slow-job for payload.ms, 5 s by default", async () => {
    const short = engine.enqueue({ name: "slow-job", payload: new TextEncoder().encode('{"ms":1500}') });
    const long = engine.enqueue({ name: "slow-job", payload: undefined });
    await vi.advanceTimersByTimeAsync(1500);
    expect(engine.getJob(short.id)?.state).toBe("completed");
    expect(engine.getJob(long.id)?.state).toBe("running");
    await vi.advanceTimersByTimeAsync(3500);
    expect(engine.getJob(long.id)?.state).toBe("completed");
  });

  it("retries flaky-job when it fails", async () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0.1); // < 0.5: fail
    const job = engine.enqueue({ name: "flaky-job", payload: undefined });
    await vi.advanceTimersByTimeAsync(200);
    expect(engine.getJob(job.id)).toMatchObject({ state: "retrying", retry_count: 1 });
    random.mockReturnValue(0.9);
    await vi.advanceTimersByTimeAsync(2000);
    expect(engine.getJob(job.id)?.state).toBe("completed");
    expect(typesFor(job.id)).toEqual([
      "job.enqueued",
      "job.started",
      "job.retrying",
      "job.started",
      "job.completed",
    ]);
  });

  it("sends always-fails to the DLQ after three retries", async () => {
    const job = engine.enqueue({ name: "always-fails", payload: undefined });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(engine.getJob(job.id)).toMatchObject({
      state: "failed",
      retry_count: 4,
      last_error: "always-fails: this job never succeeds",
    });
    expect(typesFor(job.id).slice(-2)).toEqual(["job.failed", "job.dlq"]);
  });

  it("uses a fast linear backoff with jitter", () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    expect([1, 2, 3].map(demoBackoff)).toEqual([500, 1000, 1500]);
  });
});

describe("order-pipeline", () => {
  it("completes once payment-received arrives", async () => {
    const promise = engine.startWorkflow("order-pipeline", new TextEncoder().encode('{"total":42}'));
    await vi.advanceTimersByTimeAsync(1000);
    engine.publishEvent("payment-received", undefined);
    await vi.advanceTimersByTimeAsync(1000);
    const run = await promise;
    expect(run.state).toBe("completed");
    expect(engine.timeline(run.id).map((e) => e.step_name)).toEqual([
      "validate",
      "charge",
      "wait:payment-received",
      "ship",
    ]);
    expect(engine.timeline(run.id)[0]?.data).toBe(
      Buffer.from('{"valid":true,"total":42}').toString("base64"),
    );
  });

  it("fails when no payment arrives within 60 s", async () => {
    const promise = engine.startWorkflow("order-pipeline", undefined);
    await vi.advanceTimersByTimeAsync(61_000);
    const run = await promise;
    expect(run).toMatchObject({ state: "failed", error: 'timed out waiting for "payment-received"' });
    expect(events.at(-1)?.type).toBe("workflow.failed");
  });
});
