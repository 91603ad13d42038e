import { describe, expect, it, vi } from "vitest";
import { sleep, useEngine, utf8 } from "../../test/engine-harness.js";
import { parseRFC3339 } from "../codecs/go-time.js";
import type { Engine, EngineOptions, JobHandler } from "./types.js";

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 600); // 2026-01-02T03:04:05.6Z

const harness = useEngine(T0);
const { events, next } = harness;
let engine: Engine;
const start = (options: EngineOptions): Engine => {
  engine = harness.start(options);
  return engine;
};

const typesFor = (jobId: string): string[] =>
  events.filter((e) => e.topic === `job:${jobId}`).map((e) => e.type);

describe("enqueue and run", () => {
  it("publishes job.enqueued before returning, then runs the job", async () => {
    start({ jobs: { "send-email": () => sleep(250) } });
    const job = engine.enqueue({ name: "send-email", payload: utf8('{"to":"a@b.c"}') });

    // Each time.Now() in Go is its own clock reading: EnqueueRaw's RunAt,
    // then NewEntity's CreatedAt/UpdatedAt, then the broker's ts. The fake
    // clock stands still, so each reading is 1 ns after the last.
    expect(events).toEqual([
      {
        type: "job.enqueued",
        ts: "2026-01-02T03:04:05.600000002Z",
        topic: `job:${job.id}`,
        data: { job_id: job.id, job_name: "send-email", queue: "default" },
      },
    ]);
    expect(Object.keys(job)).toEqual([
      "created_at",
      "updated_at",
      "id",
      "name",
      "queue",
      "payload",
      "state",
      "priority",
      "max_retries",
      "retry_count",
      "worker_id",
      "run_at",
      "timeout",
    ]);
    expect(job).toEqual({
      created_at: "2026-01-02T03:04:05.600000001Z",
      updated_at: "2026-01-02T03:04:05.600000001Z",
      id: job.id,
      name: "send-email",
      queue: "default",
      payload: Buffer.from('{"to":"a@b.c"}').toString("base64"),
      state: "pending",
      priority: 0,
      max_retries: 3,
      retry_count: 0,
      worker_id: "",
      run_at: "2026-01-02T03:04:05.6Z",
      timeout: 300000000000,
    });

    const started = await next("job.started");
    expect(started).toEqual({ ...events[0], type: "job.started", ts: "2026-01-02T03:04:05.600000004Z" });
    // Dequeue sets running + started_at but leaves updated_at alone.
    expect(engine.getJob(job.id)).toMatchObject({
      state: "running",
      started_at: "2026-01-02T03:04:05.600000003Z",
      updated_at: "2026-01-02T03:04:05.600000001Z",
    });

    const completed = next("job.completed");
    await vi.advanceTimersByTimeAsync(250);
    const event = await completed;
    expect(Object.keys(event.data)).toEqual(["job_id", "job_name", "queue", "elapsed_ms"]);
    expect(event).toEqual({
      type: "job.completed",
      ts: "2026-01-02T03:04:05.850000002Z",
      topic: `job:${job.id}`,
      data: { job_id: job.id, job_name: "send-email", queue: "default", elapsed_ms: 250 },
    });
    const done = engine.getJob(job.id);
    expect(done).toMatchObject({
      state: "completed",
      // The executor's reading, then UpdateJob's own for updated_at.
      completed_at: "2026-01-02T03:04:05.85Z",
      updated_at: "2026-01-02T03:04:05.850000001Z",
    });
    expect(done).not.toHaveProperty("last_error");
  });

  it("omits elapsed_ms when 0, writes null for a nil payload and carries the scope", async () => {
    start({ jobs: { quick: () => {} } });
    const job = engine.enqueue({
      name: "quick",
      payload: undefined,
      scope: { appId: "app1", orgId: "org1" },
    });
    expect(job.payload).toBeNull();
    expect(job).toMatchObject({ scope_app_id: "app1", scope_org_id: "org1" });
    const event = await next("job.completed");
    expect(event.data).toEqual({
      job_id: job.id,
      job_name: "quick",
      queue: "default",
      scope_app_id: "app1",
      scope_org_id: "org1",
    });
  });

  it("hands the handler the parsed payload, attempt and job", async () => {
    const seen: unknown[] = [];
    start({ jobs: { echo: (ctx) => void seen.push(ctx.payload, ctx.attempt, ctx.job.state) } });
    engine.enqueue({ name: "echo", payload: utf8('{"n":42}') });
    await next("job.completed");
    expect(seen).toEqual([{ n: 42 }, 1, "running"]);
  });

  it("runs by priority DESC then run_at ASC with concurrency 1", async () => {
    const order: string[] = [];
    const work: JobHandler = async (ctx) => {
      order.push((ctx.payload as { tag: string }).tag);
      await sleep(10);
    };
    start({ jobs: { work }, concurrency: 1 });
    const tags: [string, number][] = [
      ["low", 0],
      ["high-1", 5],
      ["mid", 1],
      ["high-2", 5],
      ["neg", -3],
    ];
    for (const [tag, priority] of tags) {
      engine.enqueue({ name: "work", payload: utf8(JSON.stringify({ tag })), priority });
      vi.advanceTimersByTime(1); // distinct run_at values, all due
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual(["high-1", "high-2", "mid", "low", "neg"]);
  });

  it("never runs more jobs at once than the concurrency limit", async () => {
    let running = 0;
    let peak = 0;
    start({
      concurrency: 2,
      jobs: {
        work: async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(100);
          running--;
        },
      },
    });
    const ids = Array.from({ length: 5 }, () => engine.enqueue({ name: "work", payload: undefined }).id);
    await vi.advanceTimersByTimeAsync(0);
    expect(ids.map((id) => engine.getJob(id)?.state)).toEqual([
      "running",
      "running",
      "pending",
      "pending",
      "pending",
    ]);
    await vi.advanceTimersByTimeAsync(100);
    expect(ids.map((id) => engine.getJob(id)?.state)).toEqual([
      "completed",
      "completed",
      "running",
      "running",
      "pending",
    ]);
    await vi.advanceTimersByTimeAsync(200);
    expect(ids.every((id) => engine.getJob(id)?.state === "completed")).toBe(true);
    expect(peak).toBe(2);
  });

  it("only polls the default queue, as Go's default config does", async () => {
    start({ jobs: { work: () => {} } });
    const other = engine.enqueue({ name: "work", payload: undefined, queue: "email" });
    await vi.advanceTimersByTimeAsync(5000);
    expect(engine.getJob(other.id)?.state).toBe("pending");
    expect(typesFor(other.id)).toEqual(["job.enqueued"]);

    engine.close();
    start({ jobs: { work: () => {} }, queues: [] });
    const any = engine.enqueue({ name: "work", payload: undefined, queue: "email" });
    await next("job.completed");
    expect(engine.getJob(any.id)).toMatchObject({ state: "completed", queue: "email" });
  });
});

describe("event timestamps", () => {
  const nanos = (ts: string): bigint => {
    const t = parseRFC3339(ts);
    return t.sec * 1_000_000_000n + BigInt(t.nsec);
  };

  // The broker stamps each event with time.Now().UTC(), nanoseconds on Linux,
  // so events never share a ts, which clients de-duplicate on (with type and
  // topic). The fake clock stands still here, as Date.now() would in one ms.
  it("gives two events emitted in one synchronous step distinct, increasing ts", () => {
    start({});
    engine.enqueue({ name: "work", payload: undefined });
    engine.enqueue({ name: "work", payload: undefined });
    const [first, second] = events.map((e) => e.ts);
    expect([first, second]).toEqual(["2026-01-02T03:04:05.600000002Z", "2026-01-02T03:04:05.600000005Z"]);
    expect(nanos(second ?? "")).toBeGreaterThan(nanos(first ?? ""));
  });
});
