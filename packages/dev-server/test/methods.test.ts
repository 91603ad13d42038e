import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../src/index.js";
import { Client, eventually, startServer, TOKEN, type Wire } from "./helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startServer({
    tokens: { [TOKEN]: { scopes: ["*"], appId: "app-1", orgId: "org-1" } },
    jobs: {
      quick: () => {},
      boom: () => {
        throw new Error("kaboom");
      },
    },
    workflows: {
      order: async (wf, input) => {
        await wf.step("charge", () => ({ charged: (input as { amount: number }).amount }));
        await wf.step("ship", () => undefined);
      },
    },
    backoff: () => 0,
  });
});
afterAll(() => server.close());

const TYPEID = /^job_[0-7][0-9a-hjkmnp-tv-z]{25}$/;

describe("jobs", () => {
  for (const format of ["json", "msgpack"] as const) {
    it(`enqueue answers a TypeID; job.get returns payload as base64 (${format})`, async () => {
      const client = await Client.authed(server, format);
      const resp = await client.request("job.enqueue", {
        name: "quick",
        payload: { to: "a<b>&c" },
        queue: "mail",
        priority: 3,
      });
      expect(resp).toMatchObject({ type: "response", data: { queue: "mail", state: "pending" } });
      const id = (resp.data as { job_id: string }).job_id;
      expect(id).toMatch(TYPEID);
      const job = (await client.request("job.get", { job_id: id })).data as Wire;
      expect(job).toMatchObject({
        id,
        name: "quick",
        queue: "mail",
        priority: 3,
        worker_id: "",
        scope_app_id: "app-1",
      });
      expect(Buffer.from(job.payload as string, "base64").toString()).toBe('{"to":"a<b>&c"}');
      expect(Object.keys(job).slice(0, 3)).toEqual(["created_at", "updated_at", "id"]);
      client.close();
    });
  }

  it("escapes < > & in JSON text the way Go does", async () => {
    const client = await Client.authed(server, "json");
    const id = client.nextId();
    client.send({ id, type: "request", method: "job.enqueue", data: { name: "<&>" } });
    const m = await client.frameWhere((f) => f.correl_id === id);
    expect(m.type).toBe("response");
    const job = await client.request("job.get", { job_id: (m.data as { job_id: string }).job_id });
    expect((job.data as Wire).name).toBe("<&>");
    client.sendText(
      JSON.stringify({ id: "x", type: "request", method: "subscribe", data: { channel: "<>" } }),
    );
    const raw = (await client.next()).data.toString();
    expect(raw).toContain('stream: invalid topic \\"\\u003c\\u003e\\"');
    client.close();
  });

  it("bad and unknown ids: 400 invalid job ID / 404 with Go's texts", async () => {
    const client = await Client.authed(server);
    expect(await client.request("job.get", { job_id: "" })).toMatchObject({
      error: { code: 400, message: 'invalid job ID: id: parse "": empty string' },
    });
    expect(await client.request("job.get", { job_id: "wfrun_01kdypyph5e008000000000001" })).toMatchObject({
      error: { code: 400, message: 'invalid job ID: id: expected prefix "job", got "wfrun"' },
    });
    expect(await client.request("job.get", { job_id: "job_01kdypyph5e008000000000001" })).toMatchObject({
      error: { code: 404, message: "job not found: dispatch: job not found" },
    });
    expect(await client.request("job.cancel", { job_id: "job_01kdypyph5e008000000000001" })).toMatchObject({
      error: { code: 404, message: "job not found" },
    });
    expect(await client.request("workflow.get", { run_id: "job_01kdypyph5e008000000000001" })).toMatchObject({
      error: { code: 400, message: 'invalid run ID: id: expected prefix "wfrun", got "job"' },
    });
    expect(
      await client.request("workflow.get", { run_id: "wfrun_01kdypyph5e008000000000001" }),
    ).toMatchObject({
      error: { code: 404, message: "run not found: dispatch: run not found" },
    });
    expect(
      await client.request("workflow.timeline", { run_id: "wfrun_01kdypyph5e008000000000001" }),
    ).toMatchObject({
      type: "response",
      data: [],
    });
    client.close();
  });

  it("job.cancel answers cancelled", async () => {
    const client = await Client.authed(server);
    const resp = await client.request("job.enqueue", { name: "unhandled-later", payload: null });
    const id = (resp.data as { job_id: string }).job_id;
    expect(await client.request("job.cancel", { job_id: id })).toMatchObject({
      data: { status: "cancelled" },
    });
    expect(((await client.request("job.get", { job_id: id })).data as Wire).state).toBe("cancelled");
    client.close();
  });

  it("answers job.enqueue after job.enqueued and before job.started, as the Go server does", async () => {
    const client = await Client.authed(server);
    await client.request("subscribe", { channel: "firehose" });
    const id = client.nextId();
    client.send({ id, type: "request", method: "job.enqueue", data: { name: "quick" } });
    const order: string[] = [];
    const done = (f: Wire) => f.type === "event" && (f.data as Wire).type === "job.completed";
    for (let i = 0; i < 10; i++) {
      const f = await client.nextFrame();
      order.push(f.correl_id === id ? "response" : String((f.data as Wire).type));
      if (done(f)) break;
    }
    // Go's fetcher, worker and event forwarder each run on their own goroutine:
    // the read loop has long written the answer when the job starts.
    expect(order).toEqual(["job.enqueued", "response", "job.started", "job.completed"]);
    client.close();
  });

  it("a throwing job handler goes through retrying to job.failed and job.dlq", async () => {
    const client = await Client.authed(server);
    await client.request("subscribe", { channel: "jobs" });
    const seen: Wire[] = [];
    const resp = await client.request("job.enqueue", { name: "boom" }, seen);
    const id = (resp.data as { job_id: string }).job_id;
    const isDlq = (f: Wire) => f.type === "event" && (f.data as Wire).type === "job.dlq";
    const dlq = seen.find(isDlq) ?? (await client.frameWhere(isDlq, seen));
    const types = seen.filter((f) => f.type === "event").map((f) => (f.data as Wire).type);
    expect(types).toContain("job.retrying");
    const failed = seen.find((f) => f.type === "event" && (f.data as Wire).type === "job.failed");
    expect(failed).toMatchObject({ channel: `job:${id}`, data: { data: { job_id: id, error: "kaboom" } } });
    expect(dlq).toMatchObject({ data: { data: { error: "kaboom" } } });
    const job = (await client.request("job.get", { job_id: id })).data as Wire;
    expect(job).toMatchObject({ state: "failed", last_error: "kaboom", retry_count: 4 });
    client.close();
  });
});

describe("workflows", () => {
  it("start, get, timeline, event", async () => {
    const client = await Client.authed(server, "msgpack");
    const start = await client.request("workflow.start", { name: "order", input: { amount: 5 } });
    expect(start).toMatchObject({ type: "response", data: { name: "order", state: "completed" } });
    const runId = (start.data as { run_id: string }).run_id;
    expect(runId).toMatch(/^wfrun_[0-7][0-9a-z]{25}$/);
    const run = (await client.request("workflow.get", { run_id: runId })).data as Wire;
    expect(Buffer.from(run.input as string, "base64").toString()).toBe('{"amount":5}');
    const timeline = (await client.request("workflow.timeline", { run_id: runId })).data as Wire[];
    expect(timeline.map((t) => t.step_name)).toEqual(["charge", "ship"]);
    expect(timeline[1]).not.toHaveProperty("data");
    const evt = await client.request("workflow.event", { name: "paid", payload: { ok: true } });
    expect((evt.data as { event_id: string }).event_id).toMatch(/^evt_/);
    expect(Object.keys(evt.data as Wire)).toEqual(["event_id", "name"]);
    expect(await client.request("workflow.start", { name: "nope" })).toMatchObject({
      error: { code: 500, message: 'workflow start failed: no workflow registered for "nope"' },
    });
    client.close();
  });
});

describe("stats", () => {
  it("reproduces the Go quirks", async () => {
    const local = await startServer({ jobs: { quick: () => {} } });
    try {
      const a = await Client.authed(local);
      const b = await Client.authed(local);
      await a.request("subscribe", { channel: "jobs" });
      await a.request("subscribe", { channel: "firehose" });
      await b.request("subscribe", { channel: "jobs" });
      const seen: Wire[] = [];
      const resp = await a.request("job.enqueue", { name: "quick" }, seen);
      const id = (resp.data as { job_id: string }).job_id;
      await eventually(() => (local.engine.getJob(id)?.state === "completed" ? true : undefined));
      const stats = await a.request("stats");
      // 3 events × 2 subscribers = 6 deliveries; nothing dropped is ever counted.
      expect(stats.data).toEqual({
        broker: { topic_count: 2, subscriber_count: 2, total_published: 6, total_dropped: 0 },
        connections: 0,
      });
      expect(Object.keys((stats.data as { broker: Wire }).broker)).toEqual([
        "topic_count",
        "subscriber_count",
        "total_published",
        "total_dropped",
      ]);
      a.close();
      b.close();
    } finally {
      await local.close();
    }
  });
});
