import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setup } from "../test/fake-sse-channel.js";
import { ConnectionError } from "./errors.js";
import { SSE_IDLE_MS, SSE_ROLLOVER_AT } from "./sse-channel.js";

const REMOTE = "https://dispatch.example/dwp";
let online: boolean;

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, "random").mockReturnValue(0.5);
  online = true;
  vi.stubGlobal("navigator", {
    get onLine() {
      return online;
    },
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** A channel whose first stream is open. */
async function opened(options: Parameters<typeof setup>[0] = {}) {
  const t = setup(options);
  t.channel.start();
  await vi.advanceTimersByTimeAsync(0);
  const first = t.streams[0];
  first?.handlers.open();
  return { ...t, first };
}

describe("SseChannel and the back/forward cache", () => {
  it("lets go of its stream while cached, and re-opens with a gap when shown", async () => {
    const t = await opened();
    t.send(t.first, 0, 1);
    t.channel.suspend();
    expect(t.first?.closed).toBe(true);
    expect(t.log.reconnecting).toEqual([true]);
    // What the closed stream still had in flight, and its end, change nothing.
    t.send(t.first, 1, 2);
    t.first?.handlers.end(new ConnectionError("aborted"));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.streams).toHaveLength(1);

    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    const second = t.streams[1];
    expect(second?.kind).toBe("reconnect");
    second?.handlers.open();
    t.send(second, 2, 3);
    expect(t.log.sequence).toEqual(["0", "gap", "2"]);
    expect(t.log.reconnecting).toEqual([true, false]);
  });

  it("still replaces a silent stream after the page came back", async () => {
    const t = await opened();
    t.channel.suspend();
    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    t.streams[1]?.handlers.open();
    await vi.advanceTimersByTimeAsync(SSE_IDLE_MS);
    expect(t.streams.map((s) => s.kind)).toEqual(["first", "reconnect", "rollover"]);
  });

  it("opens nothing for a channel started while cached, until the page is shown", async () => {
    const t = setup();
    t.channel.suspend();
    t.channel.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.streams).toEqual([]);
    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    t.streams[0]?.handlers.open();
    expect(t.streams.map((s) => s.kind)).toEqual(["first"]);
    expect([t.log.ready, t.log.gaps]).toEqual([1, 0]);
  });

  it("uses up no retries by going into the cache", async () => {
    const t = await opened({ maxRetries: 0 });
    t.channel.suspend();
    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    t.streams[1]?.handlers.open();
    expect(t.log.failed).toEqual([]);
    expect(t.log.gaps).toBe(1);
  });

  it("holds a backoff wait under way until the page is shown", async () => {
    const t = await opened();
    t.first?.handlers.end(new ConnectionError("network"));
    t.channel.suspend();
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.streams).toHaveLength(1);
    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.streams.map((s) => s.kind)).toEqual(["first", "reconnect"]);
  });

  it("closes both streams of a rollover, and re-opens one", async () => {
    const t = await opened();
    t.send(t.first, 0, SSE_ROLLOVER_AT);
    await vi.advanceTimersByTimeAsync(0);
    const rollover = t.streams[1];
    t.channel.suspend();
    expect([t.first?.closed, rollover?.closed]).toEqual([true, true]);
    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.streams.map((s) => s.kind)).toEqual(["first", "rollover", "reconnect"]);
  });

  it("opens a stream cached before its first answer as a first stream, with no gap", async () => {
    const t = setup();
    t.channel.start();
    t.channel.suspend();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.streams[0]?.closed).toBe(true);
    expect(t.log.reconnecting).toEqual([]);
    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    t.streams[1]?.handlers.open();
    expect(t.streams[1]?.kind).toBe("first");
    expect([t.log.ready, t.log.gaps]).toEqual([1, 0]);
  });
});

describe("SseChannel while known offline", () => {
  it("waits the longest delay (1 s here, not 100 ms) before re-opening", async () => {
    const t = await opened({ url: REMOTE });
    online = false;
    t.first?.handlers.end(new ConnectionError("network"));
    await vi.advanceTimersByTimeAsync(999);
    expect(t.streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.streams).toHaveLength(2);
  });

  it("re-opens at once when the network is back", async () => {
    const t = await opened({ url: REMOTE });
    online = false;
    t.first?.handlers.end(new ConnectionError("network"));
    online = true;
    t.channel.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.streams).toHaveLength(2);
  });

  it("keeps the ordinary backoff towards a loopback server", async () => {
    const t = await opened();
    online = false;
    t.first?.handlers.end(new ConnectionError("network"));
    await vi.advanceTimersByTimeAsync(100);
    expect(t.streams).toHaveLength(2);
  });
});
