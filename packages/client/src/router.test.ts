import { describe, expect, it } from "vitest";
import type { Channel } from "./channels.js";
import type { StreamEvent } from "./protocol/types.js";
import { Router } from "./router.js";
import { Subscription } from "./subscription.js";

const host = { release: async () => {}, overflow: () => {}, logger: undefined };

function sub(channel: Channel) {
  const received: StreamEvent[] = [];
  const s = new Subscription(channel, host, { listener: (e) => received.push(e) });
  return { s, received };
}

const jobEvent = (type: StreamEvent["type"], id: string, queue = "default"): StreamEvent =>
  ({
    type,
    ts: "2026-01-02T03:04:05Z",
    topic: `job:${id}`,
    data: { job_id: id, job_name: "x", queue },
  }) as StreamEvent;
const runEvent: StreamEvent = {
  type: "workflow.started",
  ts: "2026-01-02T03:04:05Z",
  topic: "workflow:wfrun_1",
  data: { run_id: "wfrun_1", name: "w" },
};

describe("Router", () => {
  it("routes an event without data, which names no queue, to the other matches instead of throwing", () => {
    const router = new Router();
    const mail = sub("queue:mail");
    const jobs = sub("jobs");
    router.add(mail.s);
    router.add(jobs.s);
    // A throw here would end an SSE stream, or be an uncaught exception in a socket's message handler.
    const bare = { type: "job.started", ts: "2026-01-02T03:04:05Z", topic: "job:job_1" } as StreamEvent;
    expect(() => router.route(bare)).not.toThrow();
    router.route({ ...bare, data: null } as unknown as StreamEvent);
    expect(jobs.received).toHaveLength(2);
    expect(mail.received).toHaveLength(0);
  });

  it("fans one frame out to every matching channel, each subscription once", () => {
    const router = new Router();
    const all = [
      "firehose",
      "jobs",
      "workflows",
      "job:job_1",
      "job:job_2",
      "workflow:wfrun_1",
      "queue:default",
      "queue:mail",
    ] as const;
    const subs = Object.fromEntries(all.map((c) => [c, sub(c)]));
    for (const { s } of Object.values(subs)) router.add(s);
    router.route(jobEvent("job.completed", "job_1"));
    router.route(runEvent);
    const count = (c: (typeof all)[number]) => subs[c]?.received.length;
    expect(count("firehose")).toBe(2);
    expect(count("jobs")).toBe(1);
    expect(count("workflows")).toBe(1);
    expect(count("job:job_1")).toBe(1);
    expect(count("job:job_2")).toBe(0);
    expect(count("workflow:wfrun_1")).toBe(1);
    expect(count("queue:default")).toBe(1);
    expect(count("queue:mail")).toBe(0);
  });

  it("delivers to two subscriptions of one channel, and stops after removal", () => {
    const router = new Router();
    const a = sub("jobs");
    const b = sub("jobs");
    router.add(a.s);
    router.add(b.s);
    router.route(jobEvent("job.started", "job_1"));
    router.remove(a.s);
    router.route(jobEvent("job.completed", "job_1"));
    expect(a.received.map((e) => e.type)).toEqual(["job.started"]);
    expect(b.received.map((e) => e.type)).toEqual(["job.started", "job.completed"]);
    expect(router.channels()).toEqual(["jobs"]);
  });

  it("does not deliver twice when a frame claims a fixed channel or queue as its topic", () => {
    const router = new Router();
    const jobs = sub("jobs");
    const queue = sub("queue:default");
    router.add(jobs.s);
    router.add(queue.s);
    router.route({ ...jobEvent("job.started", "job_1"), topic: "jobs" });
    router.route({ ...jobEvent("job.started", "job_1"), topic: "queue:default" });
    expect(jobs.received).toHaveLength(2);
    expect(queue.received).toHaveLength(2);
  });

  it("routes cron events, whose topic is empty, to the firehose only", () => {
    const router = new Router();
    const fire = sub("firehose");
    const jobs = sub("jobs");
    router.add(fire.s);
    router.add(jobs.s);
    router.route({
      type: "cron.fired",
      ts: "2026-01-02T03:04:05Z",
      topic: "",
      data: { entry_name: "n", job_id: "job_1" },
    });
    expect(fire.received).toHaveLength(1);
    expect(jobs.received).toHaveLength(0);
  });

  it("confirms or refuses the local subscriptions a wire channel carries, and no others", () => {
    const router = new Router();
    const jobs = sub("jobs").s;
    const emails = sub("queue:emails").s;
    const one = sub("job:job_1").s;
    const runs = sub("workflows").s;
    for (const s of [jobs, emails, one, runs]) router.add(s);
    router.answer("jobs");
    expect([jobs.live, emails.live, one.live, runs.live]).toEqual([true, true, false, false]);
    router.answer("job:job_1");
    expect(one.live).toBe(true);
    const refused = new Error("forbidden");
    router.answer("workflows", refused);
    expect(runs.closed).toBe(true);
    expect(router.channels()).toEqual(["jobs", "queue:emails", "job:job_1"]);
  });
});
