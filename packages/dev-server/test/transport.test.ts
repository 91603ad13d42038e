import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { DevServer } from "../src/index.js";
import { Client, decodeMsgpack, startServer, TOKEN, TS_2026, type Wire } from "./helpers.js";

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The auth frame (always JSON text) asking for msgpack, with id "a". */
function sendMsgpackAuth(client: Client): void {
  client.sendText(
    JSON.stringify({
      id: "a",
      type: "request",
      method: "auth",
      data: { token: TOKEN, format: "msgpack" },
      ts: TS_2026,
    }),
  );
}

describe("outbound message kind", () => {
  it("msgpack frames go out as BINARY by default; JSON as TEXT", async () => {
    server = await startServer();
    const mp = await Client.authed(server, "msgpack");
    mp.send({ id: "s", type: "request", method: "stats" });
    const m = await mp.next();
    expect(m.isBinary).toBe(true);
    expect(decodeMsgpack(m.data)).toMatchObject({ correl_id: "s", type: "response" });
    const js = await Client.authed(server, "json");
    js.send({ id: "s", type: "request", method: "stats" });
    expect((await js.next()).isBinary).toBe(false);
    mp.close();
    js.close();
  });

  it("msgpackAsText sends msgpack as TEXT, as the Go server does", async () => {
    server = await startServer({ msgpackAsText: true });
    const client = await Client.open(server.url, { skipUTF8Validation: true });
    sendMsgpackAuth(client);
    const m = await client.next();
    expect(m.isBinary).toBe(false);
    expect(decodeMsgpack(m.data)).toMatchObject({ correl_id: "a", data: { format: "msgpack" } });
    client.close();
  });

  it("a default ws client fails the connection on msgpack-as-text (what Go clients face)", async () => {
    server = await startServer({ msgpackAsText: true });
    const client = await Client.open(server.url);
    sendMsgpackAuth(client);
    const { code } = await client.closed;
    expect([1006, 1007]).toContain(code);
    expect(client.messages).toHaveLength(0);
  });
});

describe("a client that leaves while a slow request runs", () => {
  it("still has the frames it sent behind it handled, as Go's read loop does", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server = await startServer({ jobs: { quick: () => {} }, workflows: { slow: () => gate } });
    const watcher = await Client.authed(server);
    await watcher.request("subscribe", { channel: "jobs" });
    const leaving = await Client.authed(server);
    leaving.send({ id: "w", type: "request", method: "workflow.start", data: { name: "slow" } });
    leaving.send({ id: "e", type: "request", method: "job.enqueue", data: { name: "quick" } });
    leaving.ws.close();
    await leaving.closed;
    release();
    const enqueued = await watcher.frameWhere((f) => f.type === "event");
    expect(enqueued).toMatchObject({ data: { type: "job.enqueued" } });
    watcher.close();
  });
});

describe("what gobwas/ws refuses", () => {
  it("drops the connection, without a close frame, on a text message that is not UTF-8", async () => {
    server = await startServer({ tokens: { [TOKEN]: { scopes: ["*"] } } });
    const client = await Client.authed(server);
    // The ping before it is still answered: the connection ends at the bad message.
    client.sendText('{"id":"p","type":"ping"}');
    client.ws.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    expect(await client.nextFrame()).toMatchObject({ type: "pong" });
    expect((await client.closed).code).toBe(1006);
  });

  it("reads nothing after the message that is not UTF-8, even in the same TCP chunk", async () => {
    server = await startServer({ jobs: { quick: () => {} } });
    const watcher = await Client.authed(server);
    await watcher.request("subscribe", { channel: "jobs" });
    const bad = await Client.authed(server);
    const tcp = (bad.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    tcp.cork();
    bad.ws.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    bad.sendText(
      JSON.stringify({ id: "e", type: "request", method: "job.enqueue", data: { name: "quick" } }),
    );
    tcp.uncork();
    expect((await bad.closed).code).toBe(1006);
    // The watcher hears of its own job only: the frame behind the bad one never ran.
    const seen: Wire[] = [];
    const mine = await watcher.request("job.enqueue", { name: "quick" }, seen);
    const id = (mine.data as Wire).job_id;
    const done = (f: Wire) => f.type === "event" && ((f.data as Wire).data as Wire).job_id === id;
    while (seen.filter(done).length < 3) seen.push(await watcher.frameWhere(done, seen));
    const jobs = seen.filter((f) => f.type === "event").map((f) => ((f.data as Wire).data as Wire).job_id);
    expect(new Set(jobs)).toEqual(new Set([id]));
  });

  it("chooses no subprotocol, so a client that asks for one fails to connect", async () => {
    server = await startServer();
    const { url } = server;
    const refused = new Promise<Error>((resolve, reject) => {
      const ws = new WebSocket(url, ["dwp.v1"]);
      ws.on("error", resolve);
      ws.on("open", () => reject(new Error(`opened with protocol ${ws.protocol}`)));
    });
    expect((await refused).message).toBe("Server sent no subprotocol");
  });
});
