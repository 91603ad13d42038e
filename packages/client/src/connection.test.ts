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
import type { DispatchOptions } from "./options.js";
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

  /** Reconnects wait at most 200 ms, so each 1 s step below finds the next socket. */
  const openRetrying = (options: DispatchOptions) =>
    openClient({ minReconnectDelay: 100, maxReconnectDelay: 200, ...options });
  /** The newest socket drops, and the backoff before the next one runs out. */
  async function dropLatest(): Promise<void> {
    FakeSocket.latest().drop();
    await vi.advanceTimersByTimeAsync(1000);
  }
  /** The newest socket opens, and the server accepts its token. */
  async function reopen(sessionId: string): Promise<void> {
    FakeSocket.latest().accept();
    await settle();
    FakeSocket.latest().acceptAuth("json", sessionId);
  }

  it("gives up after maxRetries sessions the server accepted and then never answered", async () => {
    const { client } = await openRetrying({ heartbeatInterval: 1000, maxRetries: 2 });
    const sub = client.subscribe("jobs");
    const ended = sub.ready.then(
      () => "confirmed",
      (error: unknown) => error,
    );
    // Every new socket is accepted, and so is its token; then nothing more.
    for (let round = 0; round < 10 && client.state !== "closed"; round++) {
      await vi.advanceTimersByTimeAsync(3000);
      const socket = FakeSocket.latest();
      if (socket.readyState === 0) socket.accept();
      await settle();
      if (socket.frames().length === 1) socket.acceptAuth("json", `ws_${round + 2}`);
    }
    expect(client.state).toBe("closed");
    expect(await ended).toMatchObject({
      code: "connection_lost",
      message: expect.stringContaining("gave up after 3"),
    });
    expect(FakeSocket.instances.length).toBe(3);
  });

  it("gives up on a server that accepts the token and closes before answering what it was asked", async () => {
    const { client } = await openRetrying({ heartbeatInterval: 0, maxRetries: 2 });
    client.subscribe("jobs").ready.catch(() => {});
    for (let round = 0; round < 10 && client.state !== "closed"; round++) {
      await dropLatest();
      await reopen(`ws_${round + 2}`);
    }
    expect(client.state).toBe("closed");
    expect(FakeSocket.instances.length).toBe(3);
  });

  it("counts one outage once: a drop that cut off the first request, then one failed connect, is within maxRetries 1", async () => {
    const { client } = await openRetrying({ heartbeatInterval: 0, maxRetries: 1 });
    client.stats().catch(() => {});
    await dropLatest();
    await dropLatest();
    expect(client.state).toBe("reconnecting");
    await reopen("ws_3");
    expect(client.state).toBe("open");
    client.close();
  });

  it("does not add up failures across outages when the sessions between them were fine but quiet", async () => {
    const { client } = await openRetrying({ heartbeatInterval: 0, maxRetries: 1 });
    for (let outage = 0; outage < 3; outage++) {
      // The session drops, one connect fails, the next one succeeds.
      await dropLatest();
      await dropLatest();
      await reopen(`ws_${outage + 2}`);
      expect(client.state).toBe("open");
    }
    client.close();
  });

  it("still resets its count once a session is answered: a healthy session never brings the end nearer", async () => {
    const { client } = await openRetrying({ heartbeatInterval: 1000, maxRetries: 1 });
    for (let round = 0; round < 3; round++) {
      const socket = FakeSocket.latest();
      await vi.advanceTimersByTimeAsync(1000);
      // The ping is answered: this session works. Then the network drops it.
      const ping = socket.frames().findLast((f) => f.type === "ping");
      socket.receive(JSON.stringify({ id: "p", type: "pong", correl_id: ping?.id, ts: "" }));
      await dropLatest();
      await reopen(`ws_${round + 2}`);
      expect(client.state).toBe("open");
    }
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

  it("leaves no timer behind when closed during the reconnect backoff", async () => {
    const { client } = await openClient({ heartbeatInterval: 0, minReconnectDelay: 8000 });
    FakeSocket.latest().drop();
    await settle();
    expect(client.state).toBe("reconnecting");
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    client.close();
    await settle();
    // Nothing would keep a Node process alive: no backoff, no connect timeout.
    expect(vi.getTimerCount()).toBe(0);
    expect(FakeSocket.instances.length).toBe(1);
  });

  it("leaves no timer behind when closed in the same turn as a drop", async () => {
    const { client } = await openClient({ heartbeatInterval: 0, minReconnectDelay: 8000 });
    // partysocket asks for the next URL only after a zero-delay wait: close()
    // lands before any backoff timer exists.
    FakeSocket.latest().drop();
    client.close();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    expect(FakeSocket.instances.length).toBe(1);
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

  it("waits out the backoff before a new socket when the token provider fails", async () => {
    const client = new Dispatch({
      url,
      WebSocket,
      minReconnectDelay: 1000,
      token: () => {
        throw new Error("token endpoint down");
      },
    });
    const connecting = client.connect().catch((error: unknown) => error);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await settle();
      expect(FakeSocket.instances.length).toBe(attempt);
      FakeSocket.latest().accept();
      await settle();
      // The provider failed on this socket: no new one until the backoff has passed.
      await vi.advanceTimersByTimeAsync(400);
      expect(FakeSocket.instances.length).toBe(attempt);
      await vi.advanceTimersByTimeAsync(1000 * 1.5 * 1.6 ** (attempt - 1));
    }
    expect(client.status.error?.message).toContain("token provider failed: token endpoint down");
    client.close();
    expect(await connecting).toMatchObject({ code: "closed" });
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

  it("falls back to JSON once when msgpack comes back as text (the connection fails at the auth answer)", async () => {
    const warn = vi.fn();
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket, format: "msgpack", logger: { warn } });
    const connected = client.connect();
    await settle();
    FakeSocket.latest().accept();
    // The msgpack codec is a dynamic import: wait for the auth frame it precedes.
    await vi.waitFor(() =>
      expect(FakeSocket.latest().frames()[0]).toMatchObject({ data: { format: "msgpack" } }),
    );
    FakeSocket.latest().drop(1006);
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
  });
});
