import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { answer, FAKE_URL, FakeSocket, openFakeClient, settle, useFakeSockets } from "../test/fake-socket.js";

/** A server off this machine: the fake socket never dials it either. */
const REMOTE = "wss://dispatch.example/dwp";

/** The page the browser would be: its events, and whether it is online. */
let page: EventTarget;
let online: boolean;

function dispatchPageEvent(type: "online" | "pageshow" | "pagehide", persisted = false): void {
  page.dispatchEvent(Object.assign(new Event(type), { persisted }));
}

/** Advances fake time in 10 ms steps until `count` sockets exist, or `limitMs` passed. */
async function socketsWithin(count: number, limitMs: number): Promise<number> {
  for (let waited = 0; waited < limitMs && FakeSocket.instances.length < count; waited += 10) {
    await vi.advanceTimersByTimeAsync(10);
  }
  return FakeSocket.instances.length;
}

/** A client (backoff 100 ms to 10 s) whose socket to `url` dropped while the browser says it is offline. */
async function droppedOffline(url: string) {
  const { client } = await openFakeClient({ url, minReconnectDelay: 100, maxReconnectDelay: 10_000 });
  online = false;
  FakeSocket.latest().drop();
  return client;
}

describe("page lifecycle (fake socket, fake timers, a stand-in page)", () => {
  useFakeSockets();
  beforeEach(() => {
    page = new EventTarget();
    online = true;
    vi.stubGlobal("addEventListener", page.addEventListener.bind(page));
    vi.stubGlobal("removeEventListener", page.removeEventListener.bind(page));
    vi.stubGlobal("navigator", {
      get onLine() {
        return online;
      },
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("reconnects as soon as the network is back, not after the backoff", async () => {
    const { client } = await openFakeClient({ minReconnectDelay: 8000, maxReconnectDelay: 30_000 });
    FakeSocket.latest().drop();
    expect(await socketsWithin(2, 1000)).toBe(1);
    dispatchPageEvent("online");
    await settle();
    expect(FakeSocket.instances).toHaveLength(2);
    client.close();
  });

  it("while known offline, waits for the network instead of failing attempt after attempt", async () => {
    const client = await droppedOffline(REMOTE);
    // At 100 ms and up, several attempts would have gone out in 9 s.
    expect(await socketsWithin(2, 9000)).toBe(1);
    online = true;
    dispatchPageEvent("online");
    await settle();
    expect(FakeSocket.instances).toHaveLength(2);
    client.close();
  });

  it("tries again at the longest delay when the 'online' event never comes", async () => {
    const client = await droppedOffline(REMOTE);
    expect(await socketsWithin(2, 10_100)).toBe(2);
    client.close();
  });

  it("keeps the ordinary backoff for a loopback server, which needs no network", async () => {
    const client = await droppedOffline(FAKE_URL);
    expect(await socketsWithin(2, 200)).toBe(2);
    client.close();
  });

  it("lets go of the session when the page enters the back/forward cache, and resumes at once when shown", async () => {
    const { client } = await openFakeClient({ heartbeatInterval: 0 });
    const sub = client.subscribe("jobs");
    answer(FakeSocket.latest(), "subscribe");
    await sub.ready;
    const gaps: string[][] = [];
    client.onGap((gap) => gaps.push(gap.channels));

    dispatchPageEvent("pagehide", true);
    expect(FakeSocket.latest().readyState).toBe(3);
    expect(client.state).toBe("reconnecting");
    // Hidden, nothing connects, however long (timers would be frozen anyway).
    expect(await socketsWithin(2, 60_000)).toBe(1);

    dispatchPageEvent("pageshow", true);
    await settle();
    expect(FakeSocket.instances).toHaveLength(2);
    const second = FakeSocket.latest();
    second.accept();
    await settle();
    second.acceptAuth("json", "ws_2");
    answer(second, "subscribe");
    await settle();
    expect(client.state).toBe("open");
    expect(gaps).toEqual([["jobs"]]);
    client.close();
  });

  it("does not count going into the cache as a failed attempt, even with no retries left", async () => {
    const { client } = await openFakeClient({ heartbeatInterval: 0, maxRetries: 0 });
    FakeSocket.latest().drop(); // reconnecting, no session
    dispatchPageEvent("pagehide", true);
    await settle();
    expect(client.state).toBe("reconnecting");
    dispatchPageEvent("pageshow", true);
    expect(await socketsWithin(2, 10)).toBe(2);
    client.close();
  });

  it("holds a backoff wait already under way until the page is shown", async () => {
    const { client } = await openFakeClient({ heartbeatInterval: 0, minReconnectDelay: 1000 });
    FakeSocket.latest().drop();
    await settle(); // the wait has begun, on its timer
    dispatchPageEvent("pagehide", true);
    // The wait's own timer (at most 1 s) must not open a socket while hidden.
    expect(await socketsWithin(2, 5000)).toBe(1);
    dispatchPageEvent("pageshow", true);
    expect(await socketsWithin(2, 10)).toBe(2);
    client.close();
  });

  it("backs off as usual after a restored page's first connect fails", async () => {
    const { client } = await openFakeClient({ heartbeatInterval: 0, minReconnectDelay: 1000 });
    dispatchPageEvent("pagehide", true);
    await settle(); // what runs before the page freezes
    dispatchPageEvent("pageshow", true);
    expect(await socketsWithin(2, 10)).toBe(2);
    FakeSocket.latest().drop(); // the server is not there yet
    // Half the 1 s step at least: not at once.
    expect(await socketsWithin(3, 400)).toBe(2);
    expect(await socketsWithin(3, 1000)).toBe(3);
    client.close();
  });

  it("ignores a page that unloads for good, or is shown for the first time", async () => {
    const { client } = await openFakeClient({ heartbeatInterval: 0 });
    dispatchPageEvent("pagehide", false);
    dispatchPageEvent("pageshow", false);
    await settle();
    expect(client.state).toBe("open");
    expect(FakeSocket.instances).toHaveLength(1);
    client.close();
  });

  it("stops listening to the page when closed, and never listens with reconnect off", async () => {
    const add = vi.fn(page.addEventListener.bind(page));
    const remove = vi.fn(page.removeEventListener.bind(page));
    vi.stubGlobal("addEventListener", add);
    vi.stubGlobal("removeEventListener", remove);
    const { client } = await openFakeClient({ heartbeatInterval: 0 });
    expect(add.mock.calls.map(([type]) => type).sort()).toEqual(["online", "pagehide", "pageshow"]);
    client.close();
    expect(remove.mock.calls.map(([type]) => type).sort()).toEqual(["online", "pagehide", "pageshow"]);
    add.mockClear();
    const { client: once } = await openFakeClient({ heartbeatInterval: 0, reconnect: false });
    expect(add).not.toHaveBeenCalled();
    once.close();
  });
});
