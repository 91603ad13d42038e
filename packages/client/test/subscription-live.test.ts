import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Dispatch } from "../src/client.js";
import { createMockDispatch, MockError } from "../src/testing/index.js";

const mock = createMockDispatch({ url: "ws://127.0.0.1:7814/dwp" });
const clients: Dispatch[] = [];

function connect(): Dispatch {
  const client = new Dispatch({
    url: mock.url,
    token: "dk_test_live",
    WebSocket: mock.WebSocket,
    heartbeatInterval: 0,
    minReconnectDelay: 10,
    maxReconnectDelay: 20,
  });
  clients.push(client);
  return client;
}

/** Resolves once the client's state is `open`. */
function opened(client: Dispatch): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === "open") return resolve();
    const off = client.onStateChange((state) => {
      if (state !== "open") return;
      off();
      resolve();
    });
  });
}

/** Holds every `subscribe` answer until `release()`; `asked` resolves when one is held. */
function holdSubscribes(): { asked: Promise<void>; release: () => void } {
  let release = (): void => {};
  let asked = (): void => {};
  // Resolving with `undefined` lets the mock send the server's own answer.
  const held = new Promise<undefined>((resolve) => {
    release = () => resolve(undefined);
  });
  const askedPromise = new Promise<void>((resolve) => {
    asked = resolve;
  });
  mock.handle("subscribe", () => {
    asked();
    return held;
  });
  return { asked: askedPromise, release };
}

beforeAll(() => mock.listen());
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  mock.reset();
});
afterAll(() => mock.close());

describe("Subscription.live", () => {
  it("is true only while the current session has confirmed it: not from a reconnect until the re-subscribe is answered", async () => {
    const client = connect();
    const seen: boolean[] = [];
    let confirmed = (): void => {};
    const sub = client.subscribe("jobs", {
      onLive: (live) => {
        seen.push(live);
        if (live) confirmed();
      },
    });
    await sub.ready;
    expect(sub.live).toBe(true);

    const { asked, release } = holdSubscribes();
    mock.drop();
    await opened(client);
    await asked;
    // The session is open, but the server has not confirmed the channel on it yet.
    expect(client.state).toBe("open");
    expect(sub.live).toBe(false);
    expect(seen).toEqual([true, false]);

    const relive = new Promise<void>((resolve) => {
      confirmed = resolve;
    });
    release();
    await relive;
    expect(sub.live).toBe(true);
    expect(seen).toEqual([true, false, true]);
  });

  it("a subscription made while reconnecting is ready only once the new session confirms its channel", async () => {
    const client = connect();
    await client.subscribe("jobs").ready;
    const { asked, release } = holdSubscribes();
    mock.drop();
    await opened(client);
    await asked;
    const late = client.subscribe("jobs");
    let ready = false;
    void late.ready.then(() => {
      ready = true;
    });
    // A whole session on another connection (this one's answers wait behind the held one).
    await connect().connect();
    expect(ready).toBe(false);
    expect(late.live).toBe(false);
    release();
    await late.ready;
    expect(late.live).toBe(true);
  });

  it("turns false for good when the subscription ends, and never turns true after a refusal", async () => {
    const client = connect();
    const seen: boolean[] = [];
    const sub = client.subscribe("jobs", { onLive: (live) => seen.push(live) });
    await sub.ready;
    mock.handle("subscribe", () => new MockError(403, "insufficient permissions"));
    const ended = new Promise<unknown>((resolve) => {
      client.subscribe("workflows", { onEnd: resolve, onLive: (live) => seen.push(live) });
    });
    expect(await ended).toMatchObject({ code: 403 });
    await sub.unsubscribe();
    expect(sub.live).toBe(false);
    expect(seen).toEqual([true, false]);
  });
});
