import { afterEach, describe, expect, it } from "vitest";
import type { DevServer } from "../src/index.js";
import { Client, decodeMsgpack, startServer, TOKEN, TS_2026 } from "./helpers.js";

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
