/**
 * What the HTTP listener answers around the three DWP routes, byte for byte
 * where Go's stack (net/http, forge's bunrouter, gobwas/ws) decides it.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../src/index.js";
import { startServer, TOKEN } from "./helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startServer({
    tokens: { [TOKEN]: { scopes: ["*"] }, dk_test_read: { scopes: ["job:read"] } },
  });
});
afterAll(() => server.close());

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/**
 * Sends `request` as written and reads the response up to its length, or to
 * the socket's end (a chunked answer fails: Go's are not chunked here).
 */
function raw(request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1");
    let text = "";
    const done = () => {
      socket.destroy();
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = new Map(
        lines.map((line) => [
          line.slice(0, line.indexOf(":")).toLowerCase(),
          line.slice(line.indexOf(":") + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    };
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = text.slice(0, end);
      // An upgrade or an event stream goes on: its head is the answer.
      if (/^HTTP\/1\.1 101|\r\ncontent-type: text\/event-stream/i.test(head)) return done();
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
      if (length !== undefined && text.length - end - 4 >= Number(length)) done();
    });
    socket.on("end", done);
    socket.on("error", reject);
    socket.write(request);
  });
}

const get = (path: string, headers = "") => raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
const post = (path: string, type: string, body: string, headers = "") =>
  raw(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`,
  );
const UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
const KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

describe("routing as forge does it", () => {
  it("strips trailing slashes: /dwp/rpc/, /dwp/sse/ and /dwp/ are the routes", async () => {
    const stats = JSON.stringify({ id: "s", type: "request", method: "stats", token: TOKEN });
    expect((await post("/dwp/rpc/", "application/json", stats)).status).toBe(200);
    const sse = await raw(
      `GET /dwp/sse/?token=${TOKEN}&channel=jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(sse.headers.get("content-type")).toBe("text/event-stream");
    const upgraded = await get("/dwp/", `${UPGRADE}${KEY}Sec-WebSocket-Version: 13\r\n`);
    expect(upgraded.status).toBe(101);
  });

  it("reads a doubled slash as part of the path, not as a host name", async () => {
    // new URL("//x/dwp/sse", base) would be host "x" and path /dwp/sse.
    expect((await get(`//x/dwp/sse?token=${TOKEN}&channel=jobs`)).status).toBe(404);
  });

  it("answers another method on a route 405, with no Allow header and no body", async () => {
    for (const response of [
      await get("/dwp/rpc"),
      await post("/dwp/sse", "text/plain", ""),
      await post("/dwp", "text/plain", ""),
    ]) {
      expect(response.status).toBe(405);
      expect(response.headers.has("allow")).toBe(false);
      expect(response.headers.get("content-length")).toBe("0");
    }
  });

  it("answers an unknown path as http.NotFound", async () => {
    const response = await get("/nope");
    expect(response).toMatchObject({ status: 404, body: "404 page not found\n" });
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("reads a megabyte of headers, as Go's default limit, and answers 431 beyond it", async () => {
    const big = `Authorization: ${"x".repeat(20_000)}\r\n`;
    expect((await post("/dwp/rpc", "application/json", '{"method":"stats"}', big)).status).toBe(401);
    const huge = await get("/dwp/rpc", `X-Big: ${"x".repeat(1_100_000)}\r\n`);
    expect(huge).toMatchObject({ status: 431, body: "431 Request Header Fields Too Large" });
  });
});

/** Writes `first`, then `second` once `ready` says the first is answered; resolves with every byte, at close. */
function conversation(first: string, ready: (text: string) => boolean, second: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1");
    let text = "";
    let sent = false;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (!sent && ready(text)) {
        sent = true;
        socket.write(second);
      }
    });
    socket.on("close", () => resolve(text));
    // A server that drops the connection with the request unread resets it.
    socket.on("error", (err: NodeJS.ErrnoException) =>
      err.code === "ECONNRESET" ? resolve(text) : reject(err),
    );
    socket.write(first);
  });
}

describe("after the answer", () => {
  it("reads nothing more from a connection whose handshake was refused, as Go after hijacking it", async () => {
    const enqueued: string[] = [];
    const off = server.engine.onEvent((event) => {
      if (event.type === "job.enqueued") enqueued.push(String(event.data.job_name));
    });
    const body = JSON.stringify({ id: "p", method: "job.enqueue", data: { name: "pipelined", payload: {} } });
    const text = await raw(
      `GET /dwp HTTP/1.1\r\nHost: x\r\n\r\nPOST /dwp/rpc HTTP/1.1\r\nHost: x\r\nAuthorization: ${TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(text.status).toBe(400);
    // A request after it on another connection: had the pipelined one run, it ran first.
    expect((await get("/nope")).status).toBe(404);
    off();
    expect(enqueued).toEqual([]);
  });

  it("drops a connection whose next request is unreadable while an event stream is under way", async () => {
    const text = await conversation(
      `GET /dwp/sse?token=${TOKEN}&channel=jobs HTTP/1.1\r\nHost: x\r\n\r\n`,
      (received) => received.includes("retry: 3000"),
      `GET /dwp/rpc HTTP/1.1\r\nHost: x\r\nX-Big: ${"x".repeat(1_100_000)}\r\n\r\n`,
    );
    // A 431 written now would land inside the stream's body.
    expect(text).toContain("retry: 3000");
    expect(text).not.toContain("431");
  });
});

describe("a WebSocket handshake gobwas refuses", () => {
  const refused = async (headers: string) => {
    const response = await get("/dwp", headers);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    return {
      status: response.status,
      body: response.body,
      version: response.headers.get("sec-websocket-version"),
    };
  };

  it("names the first header it finds wrong, in gobwas's order", async () => {
    expect(await refused("")).toMatchObject({ status: 400, body: 'handshake error: bad "Upgrade" header' });
    expect(await refused("Upgrade: websocket\r\n")).toMatchObject({
      status: 400,
      body: 'handshake error: bad "Connection" header',
    });
    expect(await refused(UPGRADE)).toMatchObject({
      status: 400,
      body: 'handshake error: bad "Sec-WebSocket-Key" header',
    });
    expect(await refused(`${UPGRADE}${KEY}`)).toMatchObject({
      status: 400,
      body: 'handshake error: bad "Sec-WebSocket-Version" header',
    });
  });

  it("answers a version it does not speak 426, naming version 13", async () => {
    expect(await refused(`${UPGRADE}${KEY}Sec-WebSocket-Version: 8\r\n`)).toEqual({
      status: 426,
      body: 'handshake error: bad "Sec-WebSocket-Version" header',
      version: "13",
    });
  });
});

describe("RPC bodies as forge binds them", () => {
  it("ends the JSON answer with a newline, as Go's json.Encoder", async () => {
    const response = await post(
      "/dwp/rpc",
      "application/json",
      JSON.stringify({ id: "s", method: "stats", token: TOKEN }),
    );
    expect(response.body.endsWith("}\n")).toBe(true);
  });

  it("binds a form (curl -d) to an empty frame: the header's token, no method", async () => {
    const form = "application/x-www-form-urlencoded";
    const anyone = await post("/dwp/rpc", form, "id=a&method=stats");
    expect(anyone.status).toBe(401);
    const admin = await post("/dwp/rpc", form, "id=a&method=stats", `Authorization: ${TOKEN}\r\n`);
    expect(admin.status).toBe(405);
    expect(JSON.parse(admin.body)).toMatchObject({ error: { code: 405, message: "unknown method: " } });
    // No method needs the admin scope.
    expect((await post("/dwp/rpc", form, "a=1", "Authorization: dk_test_read\r\n")).status).toBe(403);
    // Go's url.ParseQuery refuses these.
    for (const body of ["a=%zz", "a=1;b=2"]) {
      expect((await post("/dwp/rpc", form, body, `Authorization: ${TOKEN}\r\n`)).status).toBe(400);
    }
  });
});
