import { describe, expect, it, vi } from "vitest";
import {
  answer,
  FakeSocket,
  openFakeClient,
  settle,
  FAKE_URL as url,
  useFakeSockets,
  FakeWebSocket as WebSocket,
} from "../test/fake-socket.js";
import { Dispatch } from "./client.js";
import { HEAD_START } from "./credits.js";

/** A 401 answer to the auth frame `socket` sent. */
function refuseAuth(socket: FakeSocket): void {
  const auth = socket.frames().find((f) => f.method === "auth");
  socket.receive(
    JSON.stringify({
      id: "e",
      type: "error",
      correl_id: auth?.id,
      error: { code: 401, message: "authentication failed" },
      ts: "",
    }),
  );
}

async function nextSocket(count: number): Promise<FakeSocket> {
  // Bounded: the backoff under test is at most a few seconds of fake time.
  for (let i = 0; i < 1000 && FakeSocket.instances.length < count; i++) await vi.advanceTimersByTimeAsync(10);
  return FakeSocket.latest();
}

describe("session races (fake socket, fake timers)", () => {
  useFakeSockets();

  it("leaves no timer behind when closed while the token provider has not answered", async () => {
    const client = new Dispatch({
      url,
      WebSocket,
      heartbeatInterval: 0,
      token: () => new Promise<string>(() => {}), // a token endpoint that hangs
    });
    const connected = client.connect().catch((error: unknown) => error);
    await settle();
    FakeSocket.latest().accept();
    await settle();
    client.close();
    await settle();
    expect(await connected).toMatchObject({ code: "closed" });
    // The provider's 30 s bound would otherwise keep a Node process alive.
    expect(vi.getTimerCount()).toBe(0);
  });

  it("refuses an already-aborted signal without starting to connect", async () => {
    const client = new Dispatch({ url, WebSocket, token: "dk_test_a", heartbeatInterval: 0 });
    const reason = new Error("navigated away");
    const signal = AbortSignal.abort(reason);
    await expect(client.connect({ signal })).rejects.toMatchObject({ code: "aborted", cause: reason });
    await expect(client.getJob("job_1", { signal })).rejects.toMatchObject({ code: "aborted" });
    await expect(client.startWorkflow("wf", {}, { signal })).rejects.toMatchObject({ code: "aborted" });
    await settle();
    // No socket opened and nothing left to close: the calls were refused up front.
    expect(FakeSocket.instances).toHaveLength(0);
    expect(client.state).toBe("idle");
    client.close();
  });

  it("re-subscribes and sends queued requests before a request made as the state turns open", async () => {
    const { client } = await openFakeClient({ heartbeatInterval: 0 });
    const first = FakeSocket.latest();
    const sub = client.subscribe("job:job_1");
    answer(first, "subscribe");
    await sub.ready;
    first.drop();
    const queued = client.enqueue("send-email", {}).catch(() => {});
    // "Refetch on reconnect", the usual way to catch up after a gap.
    client.onStateChange((state) => {
      if (state === "open") void client.getJob("job_1").catch(() => {});
    });
    const second = await nextSocket(2);
    second.accept();
    await settle();
    second.acceptAuth("json", "ws_2");
    // The read goes last: read before the re-subscribe, an event between the
    // two would be lost; and queued calls keep their order.
    const sent = second.frames().map((f) => f.method ?? `credits ${String(f.credits)}`);
    expect(sent).toEqual(["auth", `credits ${HEAD_START}`, "subscribe", "job.enqueue", "job.get"]);
    client.close();
    await queued;
  });

  it("leaves no heartbeat timer when an 'open' listener closes the client", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket, heartbeatInterval: 15_000 });
    client.onStateChange((state) => {
      if (state === "open") client.close();
    });
    const connected = client.connect().catch((error: unknown) => error);
    await settle();
    FakeSocket.latest().accept();
    await settle();
    FakeSocket.latest().acceptAuth();
    await settle();
    expect(client.state).toBe("closed");
    await connected;
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ignores a late answer to the 401 re-check once a new handshake has begun", async () => {
    let answerRecheck!: (token: string) => void;
    const answers: Array<() => string | Promise<string>> = [
      () => "dk_test_old", // refused with 401
      () => new Promise<string>((resolve) => (answerRecheck = resolve)), // the re-check, slow
      () => "dk_test_new", // the next socket's handshake
    ];
    const client = new Dispatch({
      url,
      WebSocket,
      heartbeatInterval: 0,
      minReconnectDelay: 100,
      token: () => (answers.shift() ?? (() => "dk_test_new"))(),
    });
    const connected = client.connect({ timeout: 60_000 });
    await settle();
    const first = FakeSocket.latest();
    first.accept();
    await settle();
    refuseAuth(first);
    first.drop();
    const second = await nextSocket(2);
    second.accept();
    await settle();
    expect(second.frames()[0]).toMatchObject({ data: { token: "dk_test_new" } });
    second.acceptAuth("json", "ws_2");
    await expect(connected).resolves.toBe("ws_2");
    answerRecheck("dk_test_old");
    await settle();
    expect(client.state).toBe("open");
    client.close();
  });

  it("keeps a healthy socket after the event loop stalled: silence with no ping sent proves nothing", async () => {
    const { client } = await openFakeClient({ heartbeatInterval: 1000, timeout: 60_000 });
    const socket = FakeSocket.latest();
    await vi.advanceTimersByTimeAsync(1000);
    const ping = socket.frames().at(-1);
    socket.receive(JSON.stringify({ id: "p", type: "pong", correl_id: ping?.id, ts: "" }));
    const read = client.getJob("job_1");
    let failed: unknown;
    read.catch((error: unknown) => (failed = error));
    // Blocked for 3 s (synchronous work, a debugger, a throttled tab): the
    // clock moves, no timer runs, and no ping went out to be left unanswered.
    vi.setSystemTime(Date.now() + 3000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.state).toBe("open");
    expect(FakeSocket.instances).toHaveLength(1);
    expect(failed).toBeUndefined();
    client.close();
    await read.catch(() => {});
  });

  it("rejects with a non-retryable error once it gave up reconnecting: the client is closed for good", async () => {
    const client = new Dispatch({ url, token: "dk_test_a", WebSocket, maxRetries: 1 });
    const connected = client.connect({ timeout: 600_000 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(client.state).toBe("closed");
    expect(await connected).toMatchObject({ name: "ConnectionError", retryable: false });
    expect(client.status.error).toMatchObject({ retryable: false });
    await expect(client.stats()).rejects.toMatchObject({ code: "closed" });
  });

  it("with reconnect off, the first drop closes for good with a non-retryable error", async () => {
    const { client } = await openFakeClient({ reconnect: false, heartbeatInterval: 0 });
    FakeSocket.latest().drop();
    await settle();
    expect(client.state).toBe("closed");
    expect(client.status.error).toMatchObject({ name: "ConnectionError", retryable: false });
    expect(FakeSocket.instances).toHaveLength(1);
  });
});
