import { describe, expect, it, vi } from "vitest";
import { DispatchError, TimeoutError, ValidationError } from "../src/errors.js";
import { clientFor, startServer, stateReaches } from "./setup.js";

const handlers = {
  ok: async () => {},
  boom: async () => {
    throw new Error("smtp down");
  },
  hang: () => new Promise<void>(() => {}),
};

describe("fan-out and fan-in", () => {
  it("waitForJob resolves with the completed job", async () => {
    const server = await startServer({ jobs: handlers });
    const { client } = clientFor(server);
    const { job_id } = await client.enqueue("ok", { n: 1 });
    const job = await client.waitForJob(job_id);
    expect(job).toMatchObject({ id: job_id, state: "completed", payload: { n: 1 } });
  });

  it("waitForJob rejects with a DispatchError carrying the job's error once retries run out", async () => {
    const server = await startServer({ jobs: handlers, backoff: () => 1 });
    const { client } = clientFor(server);
    const { job_id } = await client.enqueue("boom", {});
    const error = await client.waitForJob(job_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DispatchError);
    expect(error).toMatchObject({ code: "job_failed", retryable: false, details: "smtp down" });
  });

  it("waitForJob notices a cancellation, which publishes no event, through its poll", async () => {
    const server = await startServer({ jobs: handlers, concurrency: 1 });
    const { client } = clientFor(server);
    await client.enqueue("hang", {});
    const { job_id } = await client.enqueue("ok", {});
    const waiting = client.waitForJob(job_id, { pollInterval: 50 });
    await client.cancelJob(job_id);
    await expect(waiting).rejects.toThrow(/was cancelled/);
  });

  it("waitForJob waits out a cancel of a running job, which the job's executor overwrites", async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const gated = () => {
      started();
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const server = await startServer({ jobs: { gated } });
    const { client, recorder } = clientFor(server);
    const { job_id } = await client.enqueue("gated", {});
    await running;
    const waiting = client.waitForJob(job_id, { pollInterval: 20 });
    await client.cancelJob(job_id);
    // A poll of the wait reads the job while the cancel shows.
    const polls = recorder.frames("job.get").length;
    await vi.waitFor(() => expect(recorder.frames("job.get").length).toBeGreaterThan(polls));
    expect((await client.getJob(job_id)).state).toBe("cancelled");
    // The handler returns, and Go's executor writes its own outcome over the cancel.
    release();
    await expect(waiting).resolves.toMatchObject({ id: job_id, state: "completed" });
  });

  it("waitForJob keeps a cancel final for a job waiting for its retry", async () => {
    const server = await startServer({ jobs: handlers, backoff: () => 600_000 });
    const { client } = clientFor(server);
    const { job_id } = await client.enqueue("boom", {});
    await vi.waitFor(async () => expect((await client.getJob(job_id)).state).toBe("retrying"));
    await client.cancelJob(job_id);
    await expect(client.waitForJob(job_id, { pollInterval: 20 })).rejects.toThrow(/was cancelled/);
  });

  it("waitForJob resolves for a job that completed before it was cancelled (the server does not check)", async () => {
    const server = await startServer({ jobs: handlers });
    const { client } = clientFor(server);
    const { job_id } = await client.enqueue("ok", {});
    await client.waitForJob(job_id);
    await client.cancelJob(job_id);
    expect(await client.getJob(job_id)).toMatchObject({
      state: "cancelled",
      completed_at: expect.any(String),
    });
    await expect(client.waitForJob(job_id)).resolves.toMatchObject({ id: job_id });
  });

  it("waitForJob honours its timeout and signal", async () => {
    const server = await startServer({ jobs: handlers });
    const { client } = clientFor(server);
    const { job_id } = await client.enqueue("hang", {});
    await expect(client.waitForJob(job_id, { timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const waiting = client.waitForJob(job_id, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "aborted" });
  });

  it("waitForJob rides out an outage longer than the request timeout", async () => {
    let release!: () => void;
    const server = await startServer({ jobs: { gated: () => new Promise<void>((r) => (release = r)) } });
    const { client } = clientFor(server, { timeout: 200, minReconnectDelay: 10 });
    const { job_id } = await client.enqueue("gated", {});
    const waiting = client.waitForJob(job_id, { pollInterval: 50 });
    let settled = false;
    waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Polls during the outage wait for a session and time out after 200 ms.
    await server.restart({ downMs: 600 });
    await stateReaches(client, "open");
    expect(settled).toBe(false);
    release();
    await expect(waiting).resolves.toMatchObject({ id: job_id, state: "completed" });
  });

  it("gather stops every other wait when one fails", async () => {
    const server = await startServer({ jobs: handlers });
    const { client, recorder } = clientFor(server);
    const { job_id } = await client.enqueue("hang", {});
    const missing = "job_01h455vb4pex5vsknk084sn02q";
    await expect(client.gather([missing, job_id], { pollInterval: 50 })).rejects.toMatchObject({ code: 404 });
    // The hanging job's wait unsubscribes instead of polling on forever.
    await vi.waitFor(() =>
      expect(recorder.frames("unsubscribe").map((f) => (f.data as { channel: string }).channel)).toContain(
        `job:${job_id}`,
      ),
    );
  });

  it("close() rejects a pending waitForJob at once", async () => {
    const server = await startServer({ jobs: handlers });
    const { client, recorder } = clientFor(server);
    const { job_id } = await client.enqueue("hang", {});
    const waiting = client.waitForJob(job_id, { pollInterval: 60_000 });
    // The wait's first read went out; a read after it is answered after it
    // (one socket, answered in order), so the wait now sits between polls.
    await vi.waitFor(() => expect(recorder.frames("job.get")).toHaveLength(1));
    await client.getJob(job_id);
    client.close();
    await expect(waiting).rejects.toMatchObject({ code: "closed" });
  });

  it("waitForJob and gather refuse a poll interval or timeout that is not a positive number", async () => {
    const server = await startServer({ jobs: handlers });
    const { client, recorder } = clientFor(server);
    const { job_id } = await client.enqueue("hang", {});
    // pollInterval 0 would re-read the job in a tight loop; NaN would time out at once.
    await expect(client.waitForJob(job_id, { pollInterval: 0 })).rejects.toThrow(
      "pollInterval must be a positive number of ms, got 0",
    );
    await expect(client.waitForJob(job_id, { timeout: Number.NaN })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.gather([job_id], { pollInterval: -1 })).rejects.toBeInstanceOf(ValidationError);
    expect(recorder.frames("job.get")).toHaveLength(0);
    expect(recorder.frames("subscribe")).toHaveLength(0);
  });

  it("batch enqueues pipelined and gather reports every outcome", async () => {
    const server = await startServer({ jobs: handlers, backoff: () => 1 });
    const { client, recorder } = clientFor(server);
    await client.connect();
    const results = await client.batch([
      { name: "ok", payload: { i: 1 } },
      { name: "boom", payload: {} },
      { name: "ok", payload: { i: 2 }, priority: 3 },
    ]);
    expect(recorder.frames("job.enqueue")).toHaveLength(3);
    const ids = results.map((r) => (r instanceof DispatchError ? "" : r.job_id));
    expect(ids.every((id) => id.startsWith("job_"))).toBe(true);
    const outcomes = await client.gather(ids);
    expect(outcomes.map((o) => o.status)).toEqual(["completed", "failed", "completed"]);
  });

  it("batch reports the error of one entry without failing the others", async () => {
    const server = await startServer({ jobs: handlers });
    const { client } = clientFor(server);
    const results = await client.batch([
      { name: "ok", payload: {} },
      { name: "", payload: {} },
    ]);
    expect(results[0]).toHaveProperty("job_id");
    expect(results[1]).toBeInstanceOf(DispatchError);
  });
});
