import { describe, expect, expectTypeOf, it } from "vitest";
import type { JobEvent, StreamEvent } from "../src/protocol/types.js";
import type { Subscription } from "../src/subscription.js";
import { jobEvent } from "../src/testing/index.js";
import { clientFor, formats, startServer } from "./setup.js";

const jobs = { "send-email": async () => {} };

/** Collects events of a subscription until `done` returns true. */
async function collect<E extends StreamEvent>(sub: AsyncIterable<E>, done: (events: E[]) => boolean) {
  const events: E[] = [];
  for await (const event of sub) {
    events.push(event);
    if (done(events)) break;
  }
  return events;
}

describe.each(formats)("subscriptions over %s", (format) => {
  it("routes each frame to every matching local subscription exactly once", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startServer({ jobs: { gated: () => gate } });
    const { client, recorder } = clientFor(server, { format });
    const onJobs = client.subscribe("jobs");
    const onFire = client.subscribe("firehose");
    await Promise.all([onJobs.ready, onFire.ready]);
    const { job_id } = await client.enqueue("gated", { to: "ada@example.com" });
    const onJob = client.subscribe(`job:${job_id}`);
    // The channel decides the event type; tsc checks these lines.
    expectTypeOf(onJobs).toEqualTypeOf<Subscription<JobEvent>>();
    expectTypeOf(onJob).toEqualTypeOf<Subscription<JobEvent>>();
    expectTypeOf(onFire).toEqualTypeOf<Subscription<StreamEvent>>();
    await onJob.ready;
    release();
    const finished = (events: StreamEvent[]) => events.some((e) => e.type === "job.completed");
    const [a, b, c] = await Promise.all([
      collect(onJobs, finished),
      collect(onFire, finished),
      collect(onJob, finished),
    ]);
    expect(a.map((e) => e.type)).toEqual(["job.enqueued", "job.started", "job.completed"]);
    expect(b.map((e) => e.type)).toEqual(a.map((e) => e.type));
    // job:X joined after job.started may have passed: it sees at least the end, once.
    expect(c.filter((e) => e.type === "job.completed")).toHaveLength(1);
    expect(c.at(-1)?.topic).toBe(`job:${job_id}`);
    expect(c.at(-1)?.data.queue).toBe("default");
    if (format === "json") expect(recorder.frames("subscribe")).toHaveLength(3);
  });

  it("shares one wire subscription between two local ones and unsubscribes when the last leaves", async () => {
    const server = await startServer({ jobs });
    const { client, recorder } = clientFor(server, { format: "json" });
    const a = client.subscribe("jobs");
    const b = client.subscribe("jobs");
    await Promise.all([a.ready, b.ready]);
    expect(recorder.frames("subscribe")).toHaveLength(1);
    await a.unsubscribe();
    expect(recorder.frames("unsubscribe")).toHaveLength(0);
    await client.enqueue("send-email", {});
    await collect(b, (e) => e.length === 3);
    await b.unsubscribe();
    expect(recorder.frames("unsubscribe")).toEqual([expect.objectContaining({ data: { channel: "jobs" } })]);
    const stats = await client.stats();
    expect(stats.broker.topic_count).toBe(0);
  });

  it("derives queue:<name> from jobs, filtering on data.queue", async () => {
    const server = await startServer({ jobs });
    const { client, recorder } = clientFor(server, { format });
    const mail = client.subscribe("queue:mail");
    await mail.ready;
    await client.enqueue("send-email", {}, { queue: "other" });
    const { job_id } = await client.enqueue("send-email", {}, { queue: "mail" });
    const [first] = await collect(mail, () => true);
    expect(first?.data).toMatchObject({ job_id, queue: "mail" });
    if (format === "json")
      expect(recorder.frames("subscribe")[0]).toMatchObject({ data: { channel: "jobs" } });
  });

  it("keeps events that arrive before ready resolves", async () => {
    const server = await startServer({ jobs });
    const { client } = clientFor(server, { format });
    await client.connect();
    const sub = client.subscribe("jobs");
    // Same tick: the enqueue frame follows the subscribe frame on the socket.
    const enqueued = client.enqueue("send-email", {});
    const events = await collect(sub, (e) => e.length === 3);
    expect(events[0]?.data).toMatchObject({ job_id: (await enqueued).job_id });
  });

  it("refuses a subscription the token may not make, without closing the connection", async () => {
    const server = await startServer({ jobs, tokens: { dk_test_ro: { scopes: ["job:read"] } } });
    const { client } = clientFor(server, { format, token: "dk_test_ro" });
    const sub = client.subscribe("jobs");
    await expect(sub.ready).rejects.toMatchObject({ code: 403, message: "insufficient permissions" });
    await expect(collect(sub, () => true)).rejects.toMatchObject({ code: 403 });
    expect(client.state).toBe("open");
  });
});

describe("the testing kit's events on the dev server", () => {
  it("publish() takes what jobEvent() builds, and subscribers get it", async () => {
    const server = await startServer();
    const { client } = clientFor(server);
    const sub = client.subscribe("job:job_01h455vb4pex5vsknk084sn02q");
    await sub.ready;
    server.publish(jobEvent("job.started", "job_01h455vb4pex5vsknk084sn02q"));
    const [event] = await collect(sub, () => true);
    expect(event).toMatchObject({ type: "job.started", data: { job_id: "job_01h455vb4pex5vsknk084sn02q" } });
  });
});
