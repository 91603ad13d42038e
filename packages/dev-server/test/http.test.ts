import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "../src/index.js";
import { Client, eventually, startServer, TOKEN, type Wire } from "./helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startServer({
    tokens: { [TOKEN]: { scopes: ["*"] }, dk_test_read: { scopes: ["job:read"] } },
    jobs: { quick: () => {} },
    workflows: { nap: (wf) => wf.sleep("nap", 60_000) },
  });
});
afterAll(() => server.close());

async function rpc(body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) {
  const res = await fetch(`${server.httpUrl}/dwp/rpc`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

describe("HTTP RPC", () => {
  it("200 for a response, token in the frame", async () => {
    const { status, body } = await rpc({
      id: "r1",
      type: "request",
      method: "job.enqueue",
      token: TOKEN,
      data: { name: "quick" },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      type: "response",
      correl_id: "r1",
      data: { queue: "default", state: "pending" },
    });
  });

  it("accepts the raw token as the Authorization header; Bearer answers 401", async () => {
    const frame = { id: "r2", type: "request", method: "stats" };
    expect((await rpc(frame, { "content-type": "application/json", authorization: TOKEN })).status).toBe(200);
    const bearer = await rpc(frame, { "content-type": "application/json", authorization: `Bearer ${TOKEN}` });
    expect(bearer).toEqual({
      status: 401,
      body: expect.objectContaining({
        type: "error",
        correl_id: "r2",
        error: { code: 401, message: "unauthorized" },
      }),
    });
  });

  it("a charset suffix on Content-Type answers 400 invalid request body", async () => {
    const res = await rpc(
      { id: "r3", method: "stats", token: TOKEN },
      { "content-type": "application/json; charset=utf-8" },
    );
    expect(res).toEqual({
      status: 400,
      body: expect.objectContaining({ error: { code: 400, message: "invalid request body" } }),
    });
    expect(res.body).not.toHaveProperty("correl_id");
    expect((await rpc("{not json")).status).toBe(400);
  });

  it("reads a body without Content-Type as JSON, and only its first JSON value", async () => {
    // A byte body makes fetch send no Content-Type at all; the binder then
    // decodes JSON, as for exactly "application/json".
    const frame = JSON.stringify({ id: "r5", type: "request", method: "stats", token: TOKEN });
    const bare = await fetch(`${server.httpUrl}/dwp/rpc`, {
      method: "POST",
      body: new TextEncoder().encode(frame),
    });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toMatchObject({ type: "response", correl_id: "r5" });
    // json.Decoder stops after the first value: what follows is never read.
    const trailing = await rpc(`${frame} {not json`);
    expect(trailing).toMatchObject({ status: 200, body: { correl_id: "r5" } });
    expect((await rpc(frame, { "content-type": "text/plain" })).status).toBe(400);
  });

  it("cancels the run's context when the client goes away: a sleeping run fails", async () => {
    const watcher = await Client.authed(server);
    await watcher.request("subscribe", { channel: "workflows" });
    const isType = (type: string) => (f: Wire) => f.type === "event" && (f.data as Wire).type === type;
    const client = new AbortController();
    const call = fetch(`${server.httpUrl}/dwp/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: TOKEN },
      body: JSON.stringify({ id: "w1", type: "request", method: "workflow.start", data: { name: "nap" } }),
      signal: client.signal,
    }).catch((error: unknown) => error);
    await watcher.frameWhere(isType("workflow.started"));
    client.abort();
    expect(await call).toMatchObject({ name: "AbortError" });
    const failed = await watcher.frameWhere(isType("workflow.failed"));
    expect(failed).toMatchObject({ data: { data: { name: "nap", error: "context canceled" } } });
    watcher.close();
  });

  it("403 forbidden for a missing scope", async () => {
    const res = await rpc({
      id: "r4",
      method: "job.enqueue",
      token: "dk_test_read",
      data: { name: "quick" },
    });
    expect(res).toEqual({
      status: 403,
      body: expect.objectContaining({ error: { code: 403, message: "forbidden" } }),
    });
  });

  it("maps error codes to HTTP statuses", async () => {
    const get = (job_id: string) => rpc({ id: "r5", method: "job.get", token: TOKEN, data: { job_id } });
    expect((await get("nope")).status).toBe(400);
    expect((await get("job_01kdypyph5e008000000000001")).status).toBe(404);
    expect((await rpc({ id: "r6", method: "job.list", token: TOKEN })).status).toBe(405);
    expect(
      (await rpc({ id: "r7", method: "workflow.start", token: TOKEN, data: { name: "x" } })).status,
    ).toBe(500);
    // Credits are not special-cased over RPC: the frame goes to the handler.
    expect((await rpc({ id: "r8", credits: 5, token: TOKEN })).body).toMatchObject({ error: { code: 405 } });
  });

  it("404 elsewhere", async () => {
    expect((await fetch(`${server.httpUrl}/nope`)).status).toBe(404);
  });
});

interface SseStream {
  text(): string;
  ended: Promise<void>;
  close(): void;
  status: number;
}

function openSse(query: string): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.httpUrl}/dwp/sse?${query}`, (res) => {
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
      });
      const ended = new Promise<void>((done) => res.on("close", () => done()));
      resolve({ text: () => buf, ended, close: () => req.destroy(), status: res.statusCode ?? 0 });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("SSE", () => {
  it("opens with retry: 3000 and writes event/data lines", async () => {
    const stream = await openSse(`token=${TOKEN}&channel=jobs`);
    expect(stream.status).toBe(200);
    await eventually(() => (stream.text().startsWith("retry: 3000\n\n") ? true : undefined));
    const job = server.engine.enqueue({ name: "quick", payload: undefined });
    await eventually(() => (stream.text().includes("event: job.completed") ? true : undefined));
    const blocks = stream
      .text()
      .split("\n\n")
      .filter((b) => b.startsWith("event:"));
    const completed = blocks.find((b) => b.startsWith("event: job.completed\n"))!;
    const data = JSON.parse(completed.split("\n")[1]!.slice("data: ".length)) as Record<string, unknown>;
    expect(data).toMatchObject({ type: "job.completed", topic: `job:${job.id}`, data: { job_id: job.id } });
    expect(Object.keys(data)).toEqual(["type", "ts", "topic", "data"]);
    stream.close();
  });

  it("a bad token, no channel or no subscribe scope still answer 200, then end", async () => {
    for (const query of [
      `token=dk_test_bad&channel=jobs`,
      `token=${TOKEN}`,
      `token=dk_test_read&channel=jobs`,
    ]) {
      const stream = await openSse(query);
      expect(stream.status).toBe(200);
      await stream.ended;
      expect(stream.text()).toBe("retry: 3000\n\n");
    }
  });

  it("does not validate the channel", async () => {
    const topics = async () =>
      (
        (await rpc({ id: "s", method: "stats", token: TOKEN })).body!.data as {
          broker: { topic_count: number };
        }
      ).broker.topic_count;
    const before = await topics();
    const stream = await openSse(`token=${TOKEN}&channel=bogus`);
    await eventually(() => (stream.text() === "retry: 3000\n\n" ? true : undefined));
    // The broker took "bogus" as one more topic.
    expect(await topics()).toBe(before + 1);
    stream.close();
  });
});
