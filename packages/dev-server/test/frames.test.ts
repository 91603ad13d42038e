import { encode } from "@msgpack/msgpack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../src/index.js";
import { Client, msgpackFrame, startServer, TOKEN, TS_2026, TS_2026_EXT } from "./helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startServer({
    tokens: { [TOKEN]: { scopes: ["*"] }, dk_test_read: { scopes: ["job:read"] } },
  });
});
afterAll(() => server.close());

describe("ping/pong", () => {
  it("json: echoes the ping's ts, nanoseconds and offset included", async () => {
    const client = await Client.authed(server, "json");
    client.sendText(JSON.stringify({ id: "p1", type: "ping", ts: "2026-01-02T03:04:05.123456789+05:30" }));
    expect(await client.nextFrame()).toMatchObject({
      type: "pong",
      correl_id: "p1",
      ts: "2026-01-02T03:04:05.123456789+05:30",
    });
    client.sendText(JSON.stringify({ id: "p2", type: "ping" }));
    expect(await client.nextFrame()).toMatchObject({ correl_id: "p2", ts: "0001-01-01T00:00:00Z" });
    client.close();
  });

  it("msgpack: echoes the ts ext bytes exactly", async () => {
    const client = await Client.authed(server, "msgpack");
    client.sendBinary(msgpackFrame({ id: "p1", type: "ping", ts: TS_2026_EXT }));
    const pong = await client.nextFrame();
    expect(pong).toMatchObject({ type: "pong", correl_id: "p1" });
    expect(Buffer.from((pong.ts as { data: Uint8Array }).data).toString("hex")).toBe("1d6f3454695735a5");
    client.sendBinary(msgpackFrame({ id: "p2", type: "ping" }));
    const zero = await client.nextFrame();
    expect(Buffer.from((zero.ts as { data: Uint8Array }).data).toString("hex")).toBe(
      "00000000fffffff1886e0900",
    );
    client.close();
  });
});

describe("permissions and unknown methods", () => {
  for (const format of ["json", "msgpack"] as const) {
    it(`403 insufficient permissions keeps the connection (${format})`, async () => {
      const client = await Client.authed(server, format, "dk_test_read");
      expect(await client.request("job.enqueue", { name: "x" })).toMatchObject({
        type: "error",
        error: { code: 403, message: "insufficient permissions" },
      });
      expect(await client.request("stats")).toMatchObject({ error: { code: 403 } });
      expect(await client.request("job.get", { job_id: "job_01kdypyph5e008000000000001" })).toMatchObject({
        error: { code: 404 },
      });
      client.close();
    });

    it(`405 for methods the server defines but does not serve (${format})`, async () => {
      const client = await Client.authed(server, format);
      for (const method of [
        "job.list",
        "workflow.cancel",
        "workflow.replay",
        "cron.list",
        "dlq.list",
        "dlq.replay",
        "nope",
      ]) {
        expect(await client.request(method, {})).toMatchObject({
          error: { code: 405, message: `unknown method: ${method}` },
        });
      }
      expect(await client.request("federation.enqueue", {})).toMatchObject({
        error: { code: 405, message: "federation not enabled" },
      });
      client.close();
    });
  }
});

describe("invalid frames", () => {
  const cases: Array<[string, string]> = [
    ["{nope", "invalid frame: invalid character 'n' looking for beginning of object key string"],
    ['{"id":5}', "invalid frame: json: cannot unmarshal number into Go struct field Frame.id of type string"],
    [
      '{"credits":1.5}',
      "invalid frame: json: cannot unmarshal number 1.5 into Go struct field Frame.credits of type int",
    ],
    ['{"ts":5}', "invalid frame: Time.UnmarshalJSON: input is not a JSON string"],
    [
      '{"ts":"yesterday"}',
      'invalid frame: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    ],
    ["[1]", "invalid frame: json: cannot unmarshal array into Go value of type dwp.Frame"],
  ];
  for (const [text, message] of cases) {
    it(`json ${text} → 400 ${message}`, async () => {
      const client = await Client.authed(server, "json");
      client.sendText(text);
      const frame = await client.nextFrame();
      expect(frame).toMatchObject({ type: "error", error: { code: 400, message } });
      expect(frame).not.toHaveProperty("correl_id");
      expect(await client.request("stats")).toMatchObject({ type: "response" });
      client.close();
    });
  }

  it("json keys match case-insensitively", async () => {
    const client = await Client.authed(server, "json");
    client.sendText(JSON.stringify({ ID: "c1", TYPE: "request", Method: "stats" }));
    expect(await client.nextFrame()).toMatchObject({ correl_id: "c1", type: "response" });
    client.close();
  });

  const mp: Array<[string, Record<string, unknown>, string]> = [
    [
      "data as a map",
      { id: "m", type: "request", method: "stats", data: { a: 1 }, ts: TS_2026_EXT },
      "msgpack: invalid code=81 decoding string/bytes length",
    ],
    ["ts as a string", { id: "m", type: "ping", ts: TS_2026 }, "msgpack: invalid code=be decoding ext len"],
    ["ts as a number", { id: "m", type: "ping", ts: 5 }, "msgpack: invalid code=5 decoding ext len"],
    [
      "credits as a float",
      { id: "m", type: "request", credits: 1.5, ts: TS_2026_EXT },
      "msgpack: invalid code=cb decoding int64",
    ],
  ];
  for (const [name, fields, message] of mp) {
    it(`msgpack ${name} → 400 invalid frame: ${message}`, async () => {
      const client = await Client.authed(server, "msgpack");
      client.sendBinary(msgpackFrame(fields));
      expect(await client.nextFrame()).toMatchObject({
        error: { code: 400, message: `invalid frame: ${message}` },
      });
      client.close();
    });
  }

  it("msgpack ts as ext type 13 → 400", async () => {
    const client = await Client.authed(server, "msgpack");
    const buf = Buffer.concat([Buffer.from(encode({ id: "m", type: "ping" })), Buffer.from([])]);
    buf[0] = 0x83; // one more key: "ts" → fixext4 type 13
    client.sendBinary(Buffer.concat([buf, Buffer.from([0xa2, 0x74, 0x73, 0xd6, 0x0d, 0, 0, 0, 1])]));
    expect(await client.nextFrame()).toMatchObject({
      error: { code: 400, message: "invalid frame: msgpack: got ext type=13, wanted -1" },
    });
    client.close();
  });

  it("msgpack garbage bytes → 400, connection kept", async () => {
    const client = await Client.authed(server, "msgpack");
    client.sendBinary(Buffer.from([0xc1, 0xff, 0x00]));
    expect(await client.nextFrame()).toMatchObject({
      error: { code: 400, message: "invalid frame: msgpack: unexpected code=c1 decoding map length" },
    });
    expect(await client.request("stats")).toMatchObject({ type: "response" });
    client.close();
  });

  it("msgpack nil ts drops the connection without a reply", async () => {
    const client = await Client.authed(server, "msgpack");
    client.sendBinary(msgpackFrame({ id: "p", type: "ping", ts: null }));
    expect((await client.closed).code).toBe(1006);
    expect(client.messages).toHaveLength(0);
  });

  for (const format of ["json", "msgpack"] as const) {
    it(`missing data → 400 invalid request: unexpected end of JSON input (${format})`, async () => {
      const client = await Client.authed(server, format);
      expect(await client.request("job.get")).toMatchObject({
        error: { code: 400, message: "invalid request: unexpected end of JSON input" },
      });
      expect(await client.request("job.enqueue", { name: 5 })).toMatchObject({
        error: {
          code: 400,
          message:
            "invalid request: json: cannot unmarshal number into Go struct field JobEnqueueRequest.name of type string",
        },
      });
      client.close();
    });

    it(`a frame over 1 MiB drops the connection (${format})`, async () => {
      const client = await Client.authed(server, format);
      const other = await Client.authed(server, format);
      client.send({ id: "big", type: "request", method: "stats", data: { pad: "x".repeat(1 << 20) } });
      expect((await client.closed).code).toBe(1006);
      expect(client.messages).toHaveLength(0);
      expect(await other.request("stats")).toMatchObject({ type: "response" });
      other.close();
    });
  }

  it.each([
    ["RSV1 set with no extension", [0xc1, 0x82]],
    ["a reserved opcode", [0x83, 0x82]],
    ["a fragmented ping", [0x09, 0x82]],
    ["an unmasked client frame", [0x81, 0x02]],
    ["a ping over 125 bytes", [0x89, 0xfe, 0x00, 0x7e]],
  ])("a frame header gobwas/ws refuses (%s) drops the connection without a close frame", async (_, head) => {
    const client = await Client.authed(server, "json");
    // Written under `ws`: a masked 2-byte payload behind the header under test.
    const mask = [1, 2, 3, 4];
    const payload = [...Buffer.from("{}")].map((b, i) => b ^ (mask[i % 4] ?? 0));
    const raw = (client.ws as unknown as { _socket: import("node:net").Socket })._socket;
    raw.write(Buffer.from([...head, ...mask, ...payload]));
    // `ws` would answer with a 1002 close frame; Go's read loop just returns.
    expect((await client.closed).code).toBe(1006);
  });

  it("bad input never crashes the server: other connections keep working", async () => {
    const bystander = await Client.authed(server, "json");
    const vandal = await Client.authed(server, "json");
    for (const junk of [
      "",
      "null",
      "[]",
      '"x"',
      "{}",
      '{"type":"ping","ts":{}}',
      "\u0000\uffff",
      "9".repeat(400),
    ]) {
      vandal.sendText(junk);
    }
    vandal.sendBinary(Buffer.from([0xff, 0xfe, 0xfd]));
    vandal.sendText(JSON.stringify({ id: "end", type: "request", method: "stats" }));
    await vandal.frameWhere((f) => f.correl_id === "end");
    expect(await bystander.request("stats")).toMatchObject({ type: "response" });
    vandal.close();
    bystander.close();
  });
});
