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
import type { DispatchOptions } from "./options.js";

describe("connection retries (fake socket, fake timers)", () => {
  useFakeSockets();

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

  it("counts a connect that fails with an error event and no close (Node 20's WebSocket) as a failed attempt", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket, maxRetries: 0 });
    const connected = client.connect();
    await settle();
    // undici 6: the error event, then nothing; readyState stays CONNECTING.
    const message = "Received network error or non-101 status code.";
    FakeSocket.latest().dispatchEvent(Object.assign(new Event("error"), { message }));
    await expect(connected).rejects.toMatchObject({
      code: "connection_lost",
      message: `gave up after 1 failed attempt: socket closed (1006 ${message})`,
    });
    expect(client.state).toBe("closed");
  });

  it("counts a failed connect once when its error event is followed by a close, as in browsers and ws", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket, maxRetries: 1 });
    const connected = client.connect();
    connected.catch(() => {});
    await settle();
    const socket = FakeSocket.latest();
    socket.readyState = 3;
    socket.dispatchEvent(new Event("error"));
    socket.drop();
    await settle();
    // One failure of the two allowed: still trying.
    expect(client.state).toBe("connecting");
    expect(client.status.error?.message).toBe("socket closed (1006)");
    client.close();
  });

  it("reports Deno's close code 0 as the abnormal close it is (1006)", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket, maxRetries: 0 });
    const connected = client.connect();
    await settle();
    const socket = FakeSocket.latest();
    // Deno 2: the error names the failure, and the close that follows has code 0.
    const message = "NetworkError: failed to connect to WebSocket: tcp connect error";
    socket.readyState = 3;
    socket.dispatchEvent(Object.assign(new Event("error"), { message }));
    socket.drop(0);
    await expect(connected).rejects.toMatchObject({
      code: "connection_lost",
      message: `gave up after 1 failed attempt: socket closed (1006 ${message})`,
    });
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
});
