import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Dispatch } from "../src/client.js";
import { ConnectionError, ValidationError } from "../src/errors.js";
import type { WebSocketConstructor } from "../src/options.js";
import { MAX_FRAME_BYTES } from "../src/protocol/frame.js";
import type { JobEvent } from "../src/protocol/types.js";
import type { Subscription } from "../src/subscription.js";
import { clientFor, recordingWebSocket, sseClientFor, startServer } from "./setup.js";

const { WebSocket } = recordingWebSocket();

describe("bad input gets clear, typed errors", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("refuses a frame over 1 MiB before sending it, and keeps the connection", async () => {
    const server = await startServer({ jobs: {} });
    const { client, recorder } = clientFor(server);
    await client.connect();
    const big = "x".repeat(MAX_FRAME_BYTES);
    await expect(client.enqueue("send-email", { big })).rejects.toThrow(/over 1048562 bytes/);
    // Just under the limit in characters but over it in UTF-8 bytes.
    const wide = "é".repeat(MAX_FRAME_BYTES / 2);
    await expect(client.enqueue("send-email", { wide })).rejects.toBeInstanceOf(ValidationError);
    expect(recorder.frames("job.enqueue")).toHaveLength(0);
    expect(client.state).toBe("open");
    await expect(client.enqueue("send-email", { small: true })).resolves.toHaveProperty("job_id");
  });

  it("refuses payloads JSON cannot carry", async () => {
    const server = await startServer();
    const { client } = clientFor(server);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(client.enqueue("x", cyclic)).rejects.toThrow(/payload cannot be serialised/);
    await expect(client.enqueue("x", 10n)).rejects.toThrow(ValidationError);
    await expect(client.enqueue("x", () => 1)).rejects.toThrow("payload is a function");
    await expect(client.enqueue("x", { ids: new Set([1]) })).rejects.toThrow('payload field "ids" is a Set');
    await expect(client.publishEvent("paid", { total: Number.NaN })).rejects.toThrow(/"total" is NaN/);
    await expect(client.enqueue("", {})).rejects.toThrow(/job name must be a non-empty string/);
    await expect(client.startWorkflow("w", Symbol("s"))).rejects.toThrow(ValidationError);
    await expect(client.enqueue("x", {}, { priority: 1.5 })).rejects.toThrow(/priority/);
  });

  it("refuses a per-call timeout that is not a positive number, and accepts Infinity", async () => {
    const server = await startServer({ jobs: {} });
    const { client, recorder } = clientFor(server);
    for (const timeout of [Number.NaN, 0, -5, "10" as unknown as number]) {
      await expect(client.stats({ timeout })).rejects.toThrow(/timeout must be a positive number of ms/);
      await expect(client.connect({ timeout })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(recorder.frames("stats")).toHaveLength(0);
    await expect(client.connect({ timeout: Number.POSITIVE_INFINITY })).resolves.toMatch(/^ws_/);
    await expect(client.stats({ timeout: Number.POSITIVE_INFINITY })).resolves.toHaveProperty("broker");
  });

  it("refuses invalid channel names and buffer bounds", async () => {
    const server = await startServer();
    const { client } = clientFor(server);
    expect(() => client.subscribe("nope" as never)).toThrow(/invalid channel "nope"/);
    expect(() => client.subscribe("job:" as never)).toThrow(ValidationError);
    for (const maxBuffered of [Number.NaN, 0, 1.5]) {
      expect(() => client.subscribe("jobs", { maxBuffered })).toThrow(
        /maxBuffered must be a positive integer/,
      );
    }
    expect(client.subscribe("jobs", { maxBuffered: Number.POSITIVE_INFINITY }).closed).toBe(false);
  });

  it("refuses a missing url or token, and plain ws: off loopback", () => {
    vi.stubEnv("DISPATCH_URL", "");
    vi.stubEnv("DISPATCH_TOKEN", "");
    expect(() => new Dispatch({ token: "dk_test_a", WebSocket })).toThrow(/missing url/);
    expect(() => new Dispatch({ url: "ws://127.0.0.1/dwp", WebSocket })).toThrow(/missing token/);
    expect(() => new Dispatch({ url: "ws://api.example.com/dwp", token: "t", WebSocket })).toThrow(
      /refusing plain ws:/,
    );
    expect(() => new Dispatch({ url: "http://localhost/dwp", token: "t", WebSocket })).toThrow(
      /scheme must be wss:/,
    );
    expect(() => new Dispatch({ url: "ws://localhost/dwp?token=x", token: "t", WebSocket })).toThrow(
      /never in the URL/,
    );
    expect(
      () => new Dispatch({ url: "ws://api.example.com/dwp", token: "t", WebSocket, allowInsecure: true }),
    ).not.toThrow();
    expect(() => new Dispatch({ url: "wss://api.example.com/dwp", token: "t", WebSocket })).not.toThrow();
    for (const host of ["[::1]:1", "localhost", "app.localhost", "a.b.localhost", "localhost."]) {
      expect(() => new Dispatch({ url: `ws://${host}/dwp`, token: "t", WebSocket }), host).not.toThrow();
    }
    for (const host of ["localhost.example.com", "notlocalhost", "127.0.0.1.example.com"]) {
      expect(() => new Dispatch({ url: `ws://${host}/dwp`, token: "t", WebSocket }), host).toThrow(
        /refusing plain ws:/,
      );
    }
    expect(() => new Dispatch({ url: "wss://x/dwp", token: "t", WebSocket, timeout: -1 })).toThrow(
      /timeout must be/,
    );
    // Beyond setTimeout's range a runtime fires after 1 ms: a ping or reconnect loop.
    const forever = Number.POSITIVE_INFINITY;
    expect(
      () => new Dispatch({ url: "wss://x/dwp", token: "t", WebSocket, heartbeatInterval: forever }),
    ).toThrow("heartbeatInterval must be at most 2147483647 ms; 0 turns it off");
    expect(() => new Dispatch({ url: "wss://x/dwp", token: "t", WebSocket, maxReconnectDelay: 3e9 })).toThrow(
      /maxReconnectDelay must be at most/,
    );
    expect(
      () =>
        new Dispatch({
          url: "wss://x/dwp",
          token: "t",
          WebSocket,
          minReconnectDelay: 20_000,
          maxReconnectDelay: 1000,
        }),
    ).toThrow("minReconnectDelay (20000 ms) must not exceed maxReconnectDelay (1000 ms)");
    // Setting one bound past the other's default moves the default, quietly.
    new Dispatch({ url: "wss://x/dwp", token: "t", WebSocket, maxReconnectDelay: 100 }).close();
    new Dispatch({ url: "wss://x/dwp", token: "t", WebSocket, minReconnectDelay: 20_000 }).close();
    expect(() => new Dispatch({ url: "wss://x/dwp", token: "t", WebSocket, timeout: forever })).not.toThrow();
  });

  it("closes with the reason when the WebSocket constructor throws, instead of connecting forever", async () => {
    // A browser throws SecurityError for a ws: URL on an https: page or a blocked port.
    const refusing = class {
      constructor() {
        throw new DOMException("insecure WebSocket from an https page", "SecurityError");
      }
    } as unknown as WebSocketConstructor;
    const client = new Dispatch({ url: "ws://127.0.0.1:9/dwp", token: "dk_test_x", WebSocket: refusing });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      retryable: false,
      message: "could not open a WebSocket to ws://127.0.0.1:9/dwp: insecure WebSocket from an https page",
    });
    expect(client.state).toBe("closed");
  });

  it("never shows the token when the client is logged or serialised", async () => {
    const server = await startServer();
    const token = "dk_test_secret_4f1c";
    const client = new Dispatch({ url: server.url, token, WebSocket });
    try {
      await client.connect();
      expect(inspect(client, { depth: 8 })).not.toContain(token);
      expect(JSON.stringify(client)).not.toContain(token);
    } finally {
      client.close();
    }
  });

  it("reads DISPATCH_URL and DISPATCH_TOKEN from the environment", async () => {
    const server = await startServer({ tokens: { dk_test_env: { scopes: ["*"] } } });
    vi.stubEnv("DISPATCH_URL", server.url);
    vi.stubEnv("DISPATCH_TOKEN", "dk_test_env");
    const client = new Dispatch({ WebSocket });
    try {
      await expect(client.connect()).resolves.toMatch(/^ws_/);
    } finally {
      client.close();
    }
  });

  it("with DISPATCH_DEBUG=1 logs every frame in and out, with the token redacted", async () => {
    const server = await startServer();
    vi.stubEnv("DISPATCH_DEBUG", "1");
    const lines: string[] = [];
    const logger = { warn: () => {}, debug: (line: string) => lines.push(line) };
    const { client } = clientFor(server, { token: "dk_test_hidden", logger });
    await client.connect();
    await client.stats();
    expect(lines.some((l) => l.startsWith("→") && l.includes('"method":"auth"'))).toBe(true);
    expect(lines.some((l) => l.startsWith("←") && l.includes('"type":"response"'))).toBe(true);
    expect(lines.join("\n")).not.toContain("dk_test_hidden");
    expect(lines.join("\n")).toContain("[redacted]");
  });

  it("goes on working when a logger method throws", async () => {
    const server = await startServer();
    vi.stubEnv("DISPATCH_DEBUG", "1");
    const fail = () => {
      throw new Error("logger down");
    };
    const { client } = clientFor(server, { logger: { warn: fail, debug: fail, error: fail } });
    const sub = client.subscribe("jobs", fail);
    await sub.ready;
    expect((await client.stats()).connections).toBeTypeOf("number");
  });

  it('with DISPATCH_DEBUG=1 and transport "sse" logs each RPC request, its answer and each event', async () => {
    const server = await startServer({ tokens: { dk_test_sse: { scopes: ["*"] } } });
    vi.stubEnv("DISPATCH_DEBUG", "1");
    const lines: string[] = [];
    const logger = { warn: () => {}, debug: (line: string) => lines.push(line) };
    const client = sseClientFor(server.url, { logger });
    // A token in an event's payload is redacted too, as in a socket frame.
    const data = { job_id: "job_1", token: "dk_test_in_payload" };
    const event = { type: "job.started", ts: "2026-01-02T03:04:05Z", topic: "job:job_1", data } as const;
    let sub: Subscription<JobEvent> | undefined;
    const received = new Promise((resolve) => {
      sub = client.subscribe("jobs", resolve);
    });
    await sub?.ready;
    await client.stats();
    server.publish(event);
    await received;
    expect(lines).toContainEqual(expect.stringMatching(/^→ .*"method":"stats"/));
    expect(lines).toContainEqual(expect.stringMatching(/^← .*"type":"response".*"connections":/));
    const redacted = { ...event, data: { ...data, token: "[redacted]" } };
    expect(lines).toContainEqual(`← SSE ${JSON.stringify(redacted)}`);
    expect(lines.join("\n")).not.toMatch(/dk_test_sse|dk_test_in_payload/);
  });
});
