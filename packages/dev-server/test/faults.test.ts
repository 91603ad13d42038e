import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { DevServer } from "../src/index.js";
import { Client, eventually, startServer, TOKEN } from "./helpers.js";

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("fault hooks", () => {
  it("dropConnections kills every socket abruptly", async () => {
    server = await startServer();
    const a = await Client.authed(server);
    const b = await Client.authed(server, "msgpack");
    server.dropConnections();
    expect((await a.closed).code).toBe(1006);
    expect((await b.closed).code).toBe(1006);
    const c = await Client.authed(server);
    expect(await c.request("stats")).toMatchObject({ type: "response" });
    c.close();
  });

  it("restart drops sockets, refuses connections while down, and comes back on the same port", async () => {
    let finish: () => void = () => {};
    server = await startServer({
      jobs: {
        long: () =>
          new Promise<void>((r) => {
            finish = r;
          }),
      },
    });
    const port = server.port;
    const client = await Client.authed(server);
    const job = server.engine.enqueue({ name: "long", payload: undefined });
    let up!: () => void;
    const restarting = server.restart({ until: new Promise<void>((resolve) => (up = resolve)) });
    expect((await client.closed).code).toBe(1006);
    await expect(Client.open(server.url)).rejects.toThrow();
    up();
    await restarting;
    expect(server.port).toBe(port);
    const again = await Client.authed(server);
    finish();
    await eventually(() => (server!.engine.getJob(job.id)?.state === "completed" ? true : undefined));
    const got = await again.request("job.get", { job_id: job.id });
    expect(got.data).toMatchObject({ state: "completed" });
    again.close();
  });

  it("silence freezes current sockets without closing them; new ones are normal", async () => {
    server = await startServer();
    const frozen = await Client.authed(server);
    server.silence();
    frozen.send({ id: "p", type: "ping" });
    const fresh = await Client.authed(server);
    expect(await fresh.request("stats")).toMatchObject({ type: "response" });
    // The fresh round trip came after the ping, and the frozen socket neither answered nor closed.
    expect(frozen.messages).toHaveLength(0);
    expect(frozen.ws.readyState).toBe(WebSocket.OPEN);
    frozen.close();
    fresh.close();
  });

  it("a silenced subscriber's buffer fills: events are dropped, not queued forever", async () => {
    server = await startServer({ tokens: { [TOKEN]: { scopes: ["*"] } } });
    const frozen = await Client.authed(server);
    await frozen.request("subscribe", { channel: "jobs" });
    server.silence();
    for (let i = 0; i < 300; i++) server.engine.enqueue({ name: "unhandled", payload: undefined });
    const probe = await Client.authed(server);
    const stats = await probe.request("stats");
    // 256 buffered deliveries at most; the rest were dropped (and, as in Go, not counted).
    expect((stats.data as { broker: { total_published: number } }).broker.total_published).toBe(256);
    frozen.close();
    probe.close();
  });
});
