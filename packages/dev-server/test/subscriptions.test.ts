import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../src/index.js";
import { Client, eventually, startServer, type Wire } from "./helpers.js";

let server: DevServer;
let release: () => void = () => {};
beforeAll(async () => {
  server = await startServer({
    jobs: {
      quick: () => {},
      gated: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    },
  });
});
afterAll(() => server.close());

const events = (frames: Wire[]) => frames.filter((f) => f.type === "event");

describe("subscribe", () => {
  for (const format of ["json", "msgpack"] as const) {
    it(`validates channels like stream.ValidateTopic (${format})`, async () => {
      const client = await Client.authed(server, format);
      for (const channel of [
        "jobs",
        "workflows",
        "firehose",
        "job:x",
        "workflow:y",
        "queue:default",
        "job:a:b",
      ]) {
        expect(await client.request("subscribe", { channel })).toMatchObject({
          type: "response",
          data: { channel, status: "subscribed" },
        });
      }
      const bad: Array<[string, string]> = [
        ["", 'stream: invalid topic ""'],
        ["job:", 'stream: invalid topic "job:"'],
        ["nope", 'stream: invalid topic "nope"'],
        ["cron:x", 'stream: unknown topic entity type "cron"'],
      ];
      for (const [channel, message] of bad) {
        expect(await client.request("subscribe", { channel })).toMatchObject({
          error: { code: 400, message },
        });
      }
      expect(await client.request("subscribe", { channel: "jobs", credits: 5 })).toMatchObject({
        type: "response",
      });
      // Unsubscribe is not validated.
      expect(await client.request("unsubscribe", { channel: "whatever" })).toMatchObject({
        data: { channel: "whatever", status: "unsubscribed" },
      });
      client.close();
    });

    it(`event frames carry the entity topic as channel, once per connection (${format})`, async () => {
      const client = await Client.authed(server, format);
      await client.request("subscribe", { channel: "jobs" });
      const seen: Wire[] = [];
      const resp = await client.request("job.enqueue", { name: "quick", payload: { n: 1 } }, seen);
      const jobId = (resp.data as { job_id: string }).job_id;
      await client.request("subscribe", { channel: `job:${jobId}` }, seen);
      await client.request("subscribe", { channel: "firehose" }, seen);
      while (!events(seen).some((e) => (e.data as Wire).type === "job.completed"))
        seen.push(await client.nextFrame());
      const completed = events(seen).filter((e) => (e.data as Wire).type === "job.completed");
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({
        channel: `job:${jobId}`,
        data: {
          type: "job.completed",
          topic: `job:${jobId}`,
          data: { job_id: jobId, job_name: "quick", queue: "default" },
        },
      });
      expect(typeof (completed[0]!.data as Wire).ts).toBe("string");
      client.close();
    });
  }

  /** Runs one job to completion and returns the event frames the client saw meanwhile. */
  async function eventsDuringOneJob(client: Client): Promise<Wire[]> {
    const seen: Wire[] = [];
    const resp = await client.request("job.enqueue", { name: "quick" }, seen);
    const id = (resp.data as { job_id: string }).job_id;
    await eventually(() => (server.engine.getJob(id)?.state === "completed" ? true : undefined));
    // Frames are answered in order: anything published before this reply has arrived.
    await client.request("stats", undefined, seen);
    return events(seen);
  }

  it("queue:<name> topics never receive anything", async () => {
    const client = await Client.authed(server);
    await client.request("subscribe", { channel: "queue:default" });
    expect(await eventsDuringOneJob(client)).toHaveLength(0);
    client.close();
  });

  it("unsubscribe stops the flow", async () => {
    const client = await Client.authed(server);
    await client.request("subscribe", { channel: "jobs" });
    await client.request("unsubscribe", { channel: "jobs" });
    expect(await eventsDuringOneJob(client)).toHaveLength(0);
    client.close();
  });
});

describe("credits", () => {
  for (const format of ["json", "msgpack"] as const) {
    it(`after 1,000 events nothing more until a credits frame, which gets no reply (${format})`, async () => {
      const client = await Client.authed(server, format);
      await client.request("subscribe", { channel: "jobs" });
      let received = 0;
      // Jobs without a handler publish exactly two events (enqueued, started).
      for (let batch = 0; batch < 30 && received < 1000; batch++) {
        for (let k = 0; k < 20; k++) server.engine.enqueue({ name: "unhandled", payload: undefined });
        const want = Math.min(1000, (batch + 1) * 40);
        for (let guard = 0; guard < 100 && received < want; guard++) {
          const f = await client.nextFrame();
          if (f.type === "event") received++;
        }
      }
      expect(received).toBe(1000);
      for (let k = 0; k < 10; k++) server.engine.enqueue({ name: "unhandled", payload: undefined });
      const extra: Wire[] = [];
      await client.request("stats", undefined, extra);
      expect(events(extra)).toHaveLength(0);
      client.send({ id: "cred-1", type: "request", credits: 3 });
      // Frames are handled in order: once stats answers, the credits are in.
      const after: Wire[] = [];
      await client.request("stats", undefined, after);
      const a = server.engine.enqueue({ name: "unhandled", payload: undefined });
      const b = server.engine.enqueue({ name: "unhandled", payload: undefined });
      await eventually(() =>
        server.engine.getJob(a.id)?.state === "running" && server.engine.getJob(b.id)?.state === "running"
          ? true
          : undefined,
      );
      const more: Wire[] = [];
      await client.request("stats", undefined, more);
      const all = [...after, ...more];
      expect(all.some((f) => f.correl_id === "cred-1")).toBe(false);
      expect(events(all)).toHaveLength(3);
      client.close();
    });
  }
  it("a burst of frames handled in one turn loses no events to a reader that keeps up", async () => {
    // 300 enqueues pipelined in one write are handled back to back; each
    // publishes job.enqueued. The socket takes every event at once, so none
    // waits in the 256-event buffer (Go's forwarder drains it concurrently).
    const client = await Client.authed(server);
    await client.request("subscribe", { channel: "jobs" });
    for (let i = 0; i < 300; i++) {
      client.send({ id: `e${i}`, type: "request", method: "job.enqueue", data: { name: "unhandled" } });
    }
    let answered = 0;
    let enqueued = 0;
    while (answered < 300) {
      const f = await client.nextFrame();
      if (f.type === "response") answered++;
      else if (f.type === "event" && (f.data as Wire).type === "job.enqueued") enqueued++;
    }
    const rest: Wire[] = [];
    await client.request("stats", undefined, rest);
    enqueued += events(rest).filter((e) => (e.data as Wire).type === "job.enqueued").length;
    expect(enqueued).toBe(300);
    client.close();
  });
});

describe("ordering", () => {
  it("workflow.start blocks later requests on the socket while events keep flowing", async () => {
    let releaseWf: () => void = () => {};
    const local = await startServer({
      workflows: {
        slow: async (wf) => {
          await wf.step(
            "wait",
            () =>
              new Promise<void>((r) => {
                releaseWf = r;
              }),
          );
        },
      },
      jobs: { quick: () => {} },
    });
    try {
      const client = await Client.authed(local);
      await client.request("subscribe", { channel: "firehose" });
      client.send({ id: "wf", type: "request", method: "workflow.start", data: { name: "slow", input: {} } });
      client.send({ id: "ping-1", type: "ping" });
      const seen: Wire[] = [];
      await client.frameWhere(
        (f) => f.type === "event" && (f.data as Wire).type === "workflow.started",
        seen,
      );
      // The ping is stuck behind the workflow, but job events from elsewhere still arrive.
      local.engine.enqueue({ name: "quick", payload: undefined });
      await client.frameWhere((f) => f.type === "event" && (f.data as Wire).type === "job.completed", seen);
      expect(seen.some((f) => f.type === "pong")).toBe(false);
      releaseWf();
      const rest: Wire[] = [];
      const pong = await client.frameWhere((f) => f.type === "pong", rest);
      expect(pong.correl_id).toBe("ping-1");
      expect(rest.find((f) => f.correl_id === "wf")).toMatchObject({
        type: "response",
        data: { name: "slow", state: "completed" },
      });
      client.close();
    } finally {
      await local.close();
    }
  });

  it("job.enqueued is published before the enqueue response", async () => {
    const client = await Client.authed(server);
    await client.request("subscribe", { channel: "jobs" });
    const seen: Wire[] = [];
    await client.request("job.enqueue", { name: "gated" }, seen);
    expect(events(seen).map((e) => (e.data as Wire).type)).toContain("job.enqueued");
    release();
    client.close();
  });
});
