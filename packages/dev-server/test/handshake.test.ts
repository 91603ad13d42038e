import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevServer, type DevServer } from "../src/index.js";
import { Client, startServer, TOKEN, TS_2026 } from "./helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startServer({
    tokens: { [TOKEN]: { scopes: ["*"] }, dk_test_read: { scopes: ["job:read"] } },
  });
});
afterAll(() => server.close());

async function rejected(send: (c: Client) => void) {
  const client = await Client.open(server.url);
  send(client);
  const msg = await client.next();
  expect(msg.isBinary).toBe(false);
  const frame = JSON.parse(msg.data.toString()) as Record<string, unknown>;
  const { code } = await client.closed;
  return { frame, code };
}

describe("handshake", () => {
  for (const format of ["json", "msgpack"] as const) {
    it(`succeeds with format ${format}, answering in that format`, async () => {
      const client = await Client.open(server.url);
      client.sendText(
        JSON.stringify({
          id: "a1",
          type: "request",
          method: "auth",
          data: { token: TOKEN, format },
          ts: TS_2026,
        }),
      );
      const msg = await client.next();
      expect(msg.isBinary).toBe(format === "msgpack");
      client.format = format;
      const resp = client.decodeMessage(msg);
      expect(resp).toMatchObject({ type: "response", correl_id: "a1", data: { format } });
      expect((resp.data as { session_id: string }).session_id).toMatch(/^ws_\d+$/);
      client.close();
    });
  }

  it("issues a new session id on every connection", async () => {
    const a = await Client.open(server.url);
    const b = await Client.open(server.url);
    const ra = (await a.auth(TOKEN)).data as { session_id: string };
    const rb = (await b.auth(TOKEN)).data as { session_id: string };
    expect(ra.session_id).not.toBe(rb.session_id);
    a.close();
    b.close();
  });

  it("takes the token from the frame when data has none", async () => {
    const client = await Client.open(server.url);
    client.sendText(JSON.stringify({ id: "a1", type: "request", method: "auth", token: TOKEN, ts: TS_2026 }));
    expect(await client.nextFrame()).toMatchObject({ type: "response", data: { format: "json" } });
    client.close();
  });

  it("falls back to JSON for any format but the exact string msgpack", async () => {
    for (const format of ["MSGPACK", "protobuf"]) {
      const client = await Client.open(server.url);
      const resp = await client.auth(TOKEN, format);
      expect(resp.data).toMatchObject({ format: "json" });
      client.close();
    }
  });

  it("undecodable JSON: 400 invalid auth frame without correl_id, then 1006", async () => {
    const { frame, code } = await rejected((c) => c.sendText("{nope"));
    expect(frame).toMatchObject({ type: "error", error: { code: 400, message: "invalid auth frame" } });
    expect(frame).not.toHaveProperty("correl_id");
    expect(code).toBe(1006);
  });

  it("a msgpack auth frame is undecodable too: the auth frame is always JSON", async () => {
    const { frame, code } = await rejected((c) =>
      c.sendBinary(Buffer.from([0x81, 0xa2, 0x69, 0x64, 0xa1, 0x78])),
    );
    expect(frame).toMatchObject({ error: { code: 400, message: "invalid auth frame" } });
    expect(code).toBe(1006);
  });

  it("first frame not auth: 400 first frame must be auth, then 1006", async () => {
    const { frame, code } = await rejected((c) =>
      c.sendText(JSON.stringify({ id: "x1", type: "ping", ts: TS_2026 })),
    );
    expect(frame).toMatchObject({
      correl_id: "x1",
      error: { code: 400, message: "first frame must be auth" },
    });
    expect(code).toBe(1006);
  });

  it("bad auth data: 400 invalid auth data, then 1006", async () => {
    const { frame, code } = await rejected((c) =>
      c.sendText(
        JSON.stringify({ id: "x2", type: "request", method: "auth", data: { token: 5 }, ts: TS_2026 }),
      ),
    );
    expect(frame).toMatchObject({ correl_id: "x2", error: { code: 400, message: "invalid auth data" } });
    expect(code).toBe(1006);
  });

  it("unknown token: 401 authentication failed, then 1006", async () => {
    const { frame, code } = await rejected((c) =>
      c.sendText(
        JSON.stringify({ id: "auth-1", type: "request", method: "auth", data: { token: "dk_test_wrong" } }),
      ),
    );
    expect(frame).toMatchObject({
      correl_id: "auth-1",
      error: { code: 401, message: "authentication failed" },
    });
    expect(code).toBe(1006);
  });

  it("data.token wins over the frame token", async () => {
    const { frame } = await rejected((c) =>
      c.sendText(
        JSON.stringify({
          id: "a",
          type: "request",
          method: "auth",
          token: TOKEN,
          data: { token: "dk_test_bad" },
        }),
      ),
    );
    expect(frame).toMatchObject({ error: { code: 401 } });
  });

  for (const format of ["json", "msgpack"] as const) {
    it(`a second auth answers 405 unknown method: auth (${format})`, async () => {
      const client = await Client.authed(server, format);
      expect(await client.request("auth", { token: TOKEN })).toMatchObject({
        type: "error",
        error: { code: 405, message: "unknown method: auth" },
      });
      client.close();
    });
  }

  it("accepts every token with scope * when no token table is given", async () => {
    const open = await createDevServer();
    try {
      const client = await Client.open(open.url);
      expect(await client.auth("")).toMatchObject({ type: "response" });
      expect(await client.request("stats")).toMatchObject({ type: "response" });
      client.close();
    } finally {
      await open.close();
    }
  });
});
