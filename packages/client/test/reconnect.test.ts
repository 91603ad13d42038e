import { createServer } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { WebSocketServer } from "ws";
import { Dispatch } from "../src/client.js";
import { AuthError, DispatchError } from "../src/errors.js";
import type { StreamEvent } from "../src/protocol/types.js";
import { clientFor, formats, recordingWebSocket, startServer, stateReaches } from "./setup.js";

describe.each(formats)("reconnection over %s", (format) => {
  it("re-authenticates with a fresh token, re-subscribes, reports the gap, and the job's end is re-readable", async () => {
    let release!: () => void;
    const server = await startServer({ jobs: { slow: () => new Promise<void>((r) => (release = r)) } });
    let asked = 0;
    const { client, recorder } = clientFor(server, {
      format,
      minReconnectDelay: 50,
      token: () => `dk_test_${++asked}`,
    });
    const sub = client.subscribe("jobs");
    await sub.ready;
    const { job_id } = await client.enqueue("slow", {});
    const gaps: string[][] = [];
    client.onGap((gap) => gaps.push(gap.channels));
    const restarted = server.restart({ downMs: 200 });
    await stateReaches(client, "reconnecting");
    release();
    await restarted;
    await stateReaches(client, "open");
    expect(asked).toBe(2);
    expect(gaps).toEqual([["jobs"]]);
    if (format === "json") expect(recorder.frames("subscribe")).toHaveLength(2);
    // The completion happened while disconnected: the event is gone, the state is not.
    await vi.waitFor(async () => expect((await client.getJob(job_id)).state).toBe("completed"));
    // New events flow to the old subscription object after the resubscribe.
    const next = client.enqueue("slow", {});
    const events: StreamEvent[] = [];
    for await (const event of sub) {
      events.push(event);
      if (event.type === "job.enqueued" && event.data.job_id === (await next).job_id) break;
    }
    expect(events.at(-1)?.type).toBe("job.enqueued");
    release();
  });

  // The two-interval bound is proven on fake timers (connection.test.ts).
  it("replaces a half-open socket", async () => {
    const server = await startServer();
    const { client } = clientFor(server, { format, heartbeatInterval: 150, minReconnectDelay: 20 });
    const first = await client.connect();
    server.silence();
    await stateReaches(client, "reconnecting");
    await stateReaches(client, "open");
    expect(client.status.sessionId).not.toBe(first);
  });
});

describe("authentication", () => {
  it("stops on a refused token with AuthError and opens no second socket", async () => {
    const server = await startServer({ tokens: { dk_test_good: { scopes: ["*"] } } });
    const { WebSocket, recorder } = recordingWebSocket();
    const client = new Dispatch({ url: server.url, token: "dk_test_bad", WebSocket, minReconnectDelay: 10 });
    await expect(client.connect()).rejects.toBeInstanceOf(AuthError);
    expect(client.state).toBe("closed");
    expect(client.status.error).toBeInstanceOf(AuthError);
    expect(recorder.urls).toHaveLength(1);
  });

  it("recovers when the token provider returns a new token after a refusal", async () => {
    const server = await startServer({ tokens: { dk_test_new: { scopes: ["*"] } } });
    const tokens = ["dk_test_old", "dk_test_new", "dk_test_new"];
    const { client } = clientFor(server, {
      token: async () => tokens.shift() ?? "dk_test_new",
      minReconnectDelay: 10,
    });
    await expect(client.connect()).resolves.toMatch(/^ws_/);
  });

  it("gives a token provider that never answered another chance on a new socket", async () => {
    const server = await startServer();
    let asked = 0;
    const { client, recorder } = clientFor(server, {
      timeout: 100,
      minReconnectDelay: 10,
      // The first call hangs (a token endpoint that never answers); later ones answer.
      token: () => (++asked === 1 ? new Promise<string>(() => {}) : "dk_test_local"),
    });
    await expect(client.connect({ timeout: 10_000 })).resolves.toMatch(/^ws_/);
    expect(asked).toBe(2);
    expect(recorder.urls).toHaveLength(2);
  });

  it("ends a subscription whose re-subscribe is refused, and tells a listener-only user", async () => {
    const server = await startServer({
      tokens: { dk_test_all: { scopes: ["*"] }, dk_test_read: { scopes: ["job:read"] } },
    });
    // The second session's token may read jobs but no longer subscribe.
    const tokens = ["dk_test_all"];
    const { client } = clientFor(server, {
      token: () => tokens.shift() ?? "dk_test_read",
      minReconnectDelay: 10,
    });
    let ended!: (error: unknown) => void;
    const endedWith = new Promise<unknown>((resolve) => (ended = resolve));
    const onEnd = vi.fn(ended);
    const sub = client.subscribe("jobs", { listener: () => {}, onEnd });
    await sub.ready;
    expect(onEnd).not.toHaveBeenCalled();
    server.dropConnections();
    const error = await endedWith;
    expect(error).toBeInstanceOf(DispatchError);
    expect(error).toMatchObject({ code: 403, retryable: false });
    expect(sub.closed).toBe(true);
    await sub.unsubscribe();
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("forgets a refused subscription: no reconnect gap is reported for it", async () => {
    const server = await startServer({ tokens: { dk_test_read: { scopes: ["job:read"] } } });
    const { client } = clientFor(server, { token: "dk_test_read", minReconnectDelay: 10 });
    const refused = client.subscribe("jobs");
    await expect(refused.ready).rejects.toMatchObject({ code: 403 });
    const gaps: string[][] = [];
    client.onGap((gap) => gaps.push(gap.channels));
    server.dropConnections();
    await stateReaches(client, "reconnecting");
    // The gap of a reconnect is reported as the new session opens.
    await stateReaches(client, "open");
    expect(gaps).toEqual([]);
  });

  it("tells onEnd of an unsubscribe and of close(), once each", async () => {
    const server = await startServer();
    const { client } = clientFor(server);
    const first = vi.fn();
    const second = vi.fn();
    const a = client.subscribe("jobs", { onEnd: first });
    const b = client.subscribe("workflows", { onEnd: second });
    await Promise.all([a.ready, b.ready]);
    await a.unsubscribe();
    expect(first).toHaveBeenCalledWith(undefined);
    client.close();
    expect(second).toHaveBeenCalledWith(undefined);
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);
  });

  it("retries when the token provider throws once, instead of closing for good", async () => {
    const server = await startServer();
    let asked = 0;
    const { client } = clientFor(server, {
      minReconnectDelay: 10,
      token: () => {
        // The second ask (the reconnect) meets a token endpoint that is down.
        if (++asked === 2) throw new Error("fetch failed");
        return "dk_test_local";
      },
    });
    const sub = client.subscribe("jobs");
    await sub.ready;
    const errors: unknown[] = [];
    client.onStateChange((_state, status) => status.error && errors.push(status.error));
    server.dropConnections();
    await stateReaches(client, "reconnecting");
    await stateReaches(client, "open");
    expect(asked).toBe(3);
    expect(sub.closed).toBe(false);
    expect(errors.map(String)).toContainEqual(expect.stringContaining("token provider failed: fetch failed"));
  });

  it("never puts the token in the URL", async () => {
    const server = await startServer();
    const { client, recorder } = clientFor(server, { token: "dk_test_secret" });
    await client.connect();
    expect(recorder.urls.join()).not.toContain("dk_test_secret");
    expect(recorder.frames("auth")[0]).toMatchObject({ data: { token: "dk_test_secret" } });
  });
});

describe("msgpack against a server that sends it as text (like the Go server)", () => {
  it("falls back to JSON once, says so, and works", async () => {
    const server = await startServer({ msgpackAsText: true, jobs: { "send-email": async () => {} } });
    const warn = vi.fn();
    const { client, recorder } = clientFor(server, {
      format: "msgpack",
      logger: { warn },
      minReconnectDelay: 10,
    });
    await client.connect();
    expect(client.status.format).toBe("json");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("msgpack"));
    expect(recorder.urls).toHaveLength(2);
    await expect(client.enqueue("send-email", {})).resolves.toHaveProperty("job_id");
  });
});

describe("hostile server frames", () => {
  it("ignores garbage, unknown and uncorrelated frames, logs them, and keeps serving", async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on("connection", (socket) => {
      socket.on("message", (raw) => {
        const frame = JSON.parse(String(raw));
        const reply = (f: object) =>
          socket.send(JSON.stringify({ id: "s", ts: "2026-01-02T03:04:05Z", ...f }));
        if (frame.method === "auth") {
          reply({ type: "response", correl_id: frame.id, data: { format: "json", session_id: "ws_1" } });
          socket.send("{not json");
          socket.send(Buffer.from([0xc1, 0xff]));
          reply({ type: "mystery" });
          reply({ type: "response", correl_id: "nobody" });
          socket.send(
            '{"id":"s","type":"event","data":{"__proto__":{"polluted":true}},"ts":"2026-01-02T03:04:05Z"}',
          );
          reply({ type: "event", data: "not an event" });
        } else if (frame.method === "stats") {
          reply({ type: "response", correl_id: frame.id, data: { ok: true } });
        }
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const { port } = http.address() as { port: number };
    const warn = vi.fn();
    const { WebSocket } = recordingWebSocket();
    const client = new Dispatch({
      url: `ws://127.0.0.1:${port}/dwp`,
      token: "dk_test_a",
      WebSocket,
      logger: { warn },
    });
    try {
      await client.connect();
      await expect(client.stats()).resolves.toEqual({ ok: true });
      expect(warn.mock.calls.length).toBeGreaterThanOrEqual(5);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      client.close();
      wss.close();
      http.close();
    }
  });
});
