import { describe, expect, it, vi } from "vitest";
import {
  FakeSocket,
  openFakeClient as openClient,
  settle,
  FAKE_URL as url,
  useFakeSockets,
  FakeWebSocket as WebSocket,
} from "../test/fake-socket.js";
import { Dispatch } from "./client.js";
import { AuthError, ConnectionError } from "./errors.js";
import { MAX_FRAME_BYTES } from "./protocol/frame.js";

describe("connection lifecycle (fake socket, fake timers)", () => {
  useFakeSockets();

  it("authenticates with a JSON text frame carrying the token in data, never in the URL", async () => {
    const { client, sessionId } = await openClient();
    expect(sessionId).toBe("ws_1");
    expect(client.state).toBe("open");
    const [auth] = FakeSocket.latest().frames();
    expect(auth).toMatchObject({
      type: "request",
      method: "auth",
      data: { token: "dk_test_a", format: "json" },
    });
    expect(typeof auth?.ts).toBe("string");
    expect(FakeSocket.latest().url).not.toContain("dk_test_a");
    client.close();
  });

  it("holds requests made before the session until it opens, after the auth frame", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket });
    const stats = client.stats();
    await settle();
    const socket = FakeSocket.latest();
    socket.accept();
    await settle();
    expect(socket.frames().map((f) => f.method)).toEqual(["auth"]);
    socket.acceptAuth();
    const sent = socket.frames().at(-1);
    expect(sent?.method).toBe("stats");
    socket.receive(
      JSON.stringify({ id: "s", type: "response", correl_id: sent?.id, data: { connections: 0 }, ts: "" }),
    );
    await expect(stats).resolves.toEqual({ connections: 0 });
    client.close();
  });

  it("replaces a silent (half-open) socket within two heartbeat intervals", async () => {
    const { client } = await openClient({ heartbeatInterval: 1000 });
    const first = FakeSocket.latest();
    await vi.advanceTimersByTimeAsync(1000);
    expect(first.frames().at(-1)?.type).toBe("ping");
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.state).toBe("reconnecting");
    await settle();
    expect(FakeSocket.instances.length).toBe(2);
    client.close();
  });

  it("keeps a quiet socket while a request is in flight (pings queue behind it on the server)", async () => {
    const { client } = await openClient({ heartbeatInterval: 1000, timeout: 60_000 });
    const slow = client.request("job.get", { job_id: "job_x" });
    await vi.advanceTimersByTimeAsync(5000);
    expect(client.state).toBe("open");
    expect(FakeSocket.instances.length).toBe(1);
    client.close();
    await expect(slow).rejects.toMatchObject({ code: "closed" });
  });

  it("replaces a silent socket even while new requests keep going out", async () => {
    const { client } = await openClient({ heartbeatInterval: 1000, timeout: 1500 });
    const states: string[] = [];
    client.onStateChange((state) => states.push(state));
    const failed: unknown[] = [];
    // A poller: a request always in flight, none ever answered.
    for (let i = 0; i < 12 && !states.includes("reconnecting"); i++) {
      client.stats().catch((error: unknown) => failed.push(error));
      await vi.advanceTimersByTimeAsync(500);
    }
    // The requests sent before the first unanswered ping time out at 2.5 s;
    // the tick after that finds the ping still unanswered.
    expect(states).toContain("reconnecting");
    expect(failed.length).toBeGreaterThan(0);
    client.close();
  });

  it("keeps waiting for a slow subscribe answer instead of ending the subscription", async () => {
    const { client } = await openClient({ heartbeatInterval: 0, timeout: 300 });
    const socket = FakeSocket.latest();
    const sub = client.subscribe("jobs");
    let confirmed = false;
    sub.ready.then(() => (confirmed = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(sub.closed).toBe(false);
    const frame = socket.frames().find((f) => f.method === "subscribe");
    socket.receive(
      JSON.stringify({ id: "s", type: "response", correl_id: frame?.id, data: { channel: "jobs" }, ts: "" }),
    );
    await settle();
    expect(confirmed).toBe(true);
    client.close();
  });

  it("replaces a silent socket even while a subscribe waits for its answer", async () => {
    const { client } = await openClient({ heartbeatInterval: 1000 });
    const sub = client.subscribe("jobs");
    // A subscribe has no timeout of its own, so it must not excuse the silence.
    await vi.advanceTimersByTimeAsync(3000);
    expect(client.state).toBe("reconnecting");
    await settle();
    expect(FakeSocket.instances.length).toBe(2);
    expect(sub.closed).toBe(false);
    client.close();
  });

  it("answers a pong as liveness: no replacement while the server answers", async () => {
    const { client } = await openClient({ heartbeatInterval: 1000 });
    const socket = FakeSocket.latest();
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      const ping = socket.frames().at(-1);
      socket.receive(JSON.stringify({ id: "s", type: "pong", correl_id: ping?.id, ts: "" }));
    }
    expect(client.state).toBe("open");
    expect(FakeSocket.instances.length).toBe(1);
    client.close();
  });

  it("fails in-flight requests with ConnectionError on a drop, never re-sending them", async () => {
    const { client } = await openClient();
    const enqueue = client.enqueue("send-email", { to: "a" });
    FakeSocket.latest().drop();
    await expect(enqueue).rejects.toBeInstanceOf(ConnectionError);
    for (let i = 0; i < 1000 && FakeSocket.instances.length < 2; i++) await vi.advanceTimersByTimeAsync(10);
    const second = FakeSocket.latest();
    expect(second).not.toBe(FakeSocket.instances[0]);
    second.accept();
    await settle();
    second.acceptAuth();
    expect(second.frames().filter((f) => f.method === "job.enqueue")).toHaveLength(0);
    client.close();
  });

  it("re-authenticates, re-subscribes and reports a gap after a reconnect", async () => {
    let n = 0;
    const { client } = await openClient({ token: () => `dk_test_${++n}` });
    const sub = client.subscribe("jobs");
    const first = FakeSocket.latest();
    const subscribe = first.frames().find((f) => f.method === "subscribe");
    first.receive(JSON.stringify({ id: "s", type: "response", correl_id: subscribe?.id, data: {}, ts: "" }));
    await sub.ready;
    const gaps: string[][] = [];
    client.onGap((gap) => gaps.push(gap.channels));
    first.drop();
    expect(client.state).toBe("reconnecting");
    for (let i = 0; i < 1000 && FakeSocket.instances.length < 2; i++) await vi.advanceTimersByTimeAsync(10);
    const second = FakeSocket.latest();
    second.accept();
    await settle();
    expect(second.frames()[0]).toMatchObject({ method: "auth", data: { token: "dk_test_2" } });
    second.acceptAuth("json", "ws_2");
    expect(
      second
        .frames()
        .filter((f) => f.method === "subscribe")
        .map((f) => f.data),
    ).toEqual([{ channel: "jobs" }]);
    expect(gaps).toEqual([["jobs"]]);
    expect(client.status.sessionId).toBe("ws_2");
    client.close();
  });

  it("stops on 401 with AuthError and does not reconnect", async () => {
    const client = new Dispatch({ url, token: "dk_test_bad", WebSocket });
    const connected = client.connect();
    await settle();
    const socket = FakeSocket.latest();
    socket.accept();
    await settle();
    const auth = socket.frames()[0];
    socket.receive(
      JSON.stringify({
        id: "s",
        type: "error",
        correl_id: auth?.id,
        error: { code: 401, message: "authentication failed" },
        ts: "",
      }),
    );
    socket.drop();
    await expect(connected).rejects.toBeInstanceOf(AuthError);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.instances.length).toBe(1);
    expect(client.state).toBe("closed");
  });

  it("sends a frame of exactly the size limit and refuses one byte more, keeping the session", async () => {
    const { client } = await openClient();
    const socket = FakeSocket.latest();
    const sizeOf = (pad: number) => {
      void client.request("x.pad", { pad: "a".repeat(pad) }).catch(() => {});
      return (socket.sent.at(-1) as string).length;
    };
    const overhead = sizeOf(100) - 100;
    const fits = MAX_FRAME_BYTES - overhead;
    expect(sizeOf(fits)).toBe(MAX_FRAME_BYTES);
    const before = socket.sent.length;
    await expect(client.request("x.pad", { pad: "a".repeat(fits + 1) })).rejects.toThrow(/refused/);
    expect(socket.sent.length).toBe(before);
    expect(client.state).toBe("open");
    client.close();
  });

  it("takes an error without correl_id as the refusal, and ignores errors answering something else", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket });
    const connected = client.connect();
    await settle();
    const socket = FakeSocket.latest();
    socket.accept();
    await settle();
    const stray = { id: "s", type: "error", correl_id: "other", error: { code: 401, message: "x" }, ts: "" };
    socket.receive(JSON.stringify(stray));
    expect(client.state).toBe("connecting");
    socket.receive(
      JSON.stringify({ id: "s", type: "error", error: { code: 400, message: "invalid auth frame" }, ts: "" }),
    );
    await expect(connected).rejects.toMatchObject({ code: 400, message: "invalid auth frame" });
  });

  // Chromium, Node (ws and undici) and Bun close with 1006, Deno with 0;
  // 1007 is the code a close frame would give for the invalid UTF-8.
  it.each([1006, 1007, 0])(
    "falls back to JSON once when msgpack comes back as text (closed with %i at the auth answer)",
    async (code) => {
      const warn = vi.fn();
      const client = new Dispatch({
        url,
        token: "dk_test_a",
        WebSocket,
        format: "msgpack",
        logger: { warn },
      });
      const connected = client.connect();
      await settle();
      FakeSocket.latest().accept();
      // The msgpack codec is a dynamic import: wait for the auth frame it precedes.
      await vi.waitFor(() =>
        expect(FakeSocket.latest().frames()[0]).toMatchObject({ data: { format: "msgpack" } }),
      );
      FakeSocket.latest().drop(code);
      for (let i = 0; i < 1000 && FakeSocket.instances.length < 2; i++) await vi.advanceTimersByTimeAsync(10);
      const retry = FakeSocket.latest();
      retry.accept();
      await settle();
      expect(retry.frames()[0]).toMatchObject({ data: { format: "json" } });
      retry.acceptAuth("json");
      await expect(connected).resolves.toBe("ws_1");
      expect(client.status.format).toBe("json");
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("msgpack"));
      client.close();
    },
  );
});
