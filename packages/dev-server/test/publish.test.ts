import { describe, expect, it } from "vitest";
import { Client, startServer } from "./helpers.js";

describe("server.publish and queues", () => {
  it("runs jobs on every queue by default", async () => {
    await using server = await startServer({ jobs: { ok: async () => {} } });
    const id = server.engine.enqueue({ name: "ok", payload: undefined, queue: "mail" }).id;
    await new Promise<void>((resolve) => {
      const off = server.engine.onEvent((e) => {
        if (e.type === "job.completed" && e.data.job_id === id) {
          off();
          resolve();
        }
      });
    });
    expect(server.engine.getJob(id)?.state).toBe("completed");
  });

  it("leaves other queues pending when told to poll only default, as a Go worker does", async () => {
    await using server = await startServer({ jobs: { ok: async () => {} }, queues: ["default"] });
    const mail = server.engine.enqueue({ name: "ok", payload: undefined, queue: "mail" }).id;
    const def = server.engine.enqueue({ name: "ok", payload: undefined }).id;
    await new Promise<void>((resolve) => {
      const off = server.engine.onEvent((e) => {
        if (e.type === "job.completed" && e.data.job_id === def) {
          off();
          resolve();
        }
      });
    });
    expect(server.engine.getJob(mail)?.state).toBe("pending");
  });

  it("publishes a hand-made event to connections on its topics, once each", async () => {
    await using server = await startServer();
    const client = await Client.authed(server);
    await client.request("subscribe", { channel: "jobs" });
    await client.request("subscribe", { channel: "job:job_x" });
    server.publish({
      type: "job.started",
      ts: "2026-01-02T03:04:05Z",
      topic: "job:job_x",
      data: { job_id: "job_x" },
    });
    const frame = await client.frameWhere((f) => f.type === "event");
    expect(frame).toMatchObject({ channel: "job:job_x", data: { type: "job.started", topic: "job:job_x" } });
    const stats = await client.request("stats");
    expect(stats).toMatchObject({ data: { broker: { total_published: 1 } } });
    client.close();
  });
});
