import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setup } from "../test/fake-sse-channel.js";
import { AuthError, ConnectionError, DispatchError } from "./errors.js";
import { SSE_CREDITS, SSE_HOLD_MS, SSE_IDLE_MS, SSE_ROLLOVER_AT } from "./sse-channel.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, "random").mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("SseChannel", () => {
  it("opens a second stream at 900 events and closes the first once an event came through both", async () => {
    const t = setup();
    t.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    const [a] = t.streams;
    a?.handlers.open();
    expect(t.log.ready).toBe(1);
    t.send(a, 0, SSE_ROLLOVER_AT);
    await vi.advanceTimersByTimeAsync(0);
    const b = t.streams[1];
    expect(b?.kind).toBe("rollover");
    b?.handlers.open();
    t.send(a, 900, 950);
    t.send(b, 930, 960); // 930..949 overlap
    expect(a?.closed).toBe(true);
    t.send(b, 960, 1000);
    expect(t.log.delivered).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(t.log.gaps).toBe(0);
  });

  it("replaces a stream silent for SSE_IDLE_MS (it may be half-open): the new one opens first, then a gap", async () => {
    const t = setup();
    t.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    const [a] = t.streams;
    a?.handlers.open();
    t.send(a, 0, 3);
    // Each event restarts the quiet period.
    await vi.advanceTimersByTimeAsync(SSE_IDLE_MS - 1);
    t.send(a, 3, 4);
    await vi.advanceTimersByTimeAsync(SSE_IDLE_MS - 1);
    expect(t.streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const b = t.streams[1];
    expect(b?.kind).toBe("rollover");
    // Until the new stream is up, the old one stays: it may only be quiet.
    expect(a?.closed).toBe(false);
    expect(t.log.gaps).toBe(0);
    b?.handlers.open();
    expect(a?.closed).toBe(true);
    expect(t.log.sequence).toEqual(["0", "1", "2", "3", "gap"]);
    t.send(b, 10, 11);
    expect(t.log.delivered).toEqual([0, 1, 2, 3, 10]);
    // A quiet channel keeps being checked.
    await vi.advanceTimersByTimeAsync(SSE_IDLE_MS);
    expect(t.streams).toHaveLength(3);
    t.channel.close();
    await vi.advanceTimersByTimeAsync(SSE_IDLE_MS * 2);
    expect(t.streams).toHaveLength(3);
  });

  it("reports a gap when the old stream ran dry before any overlap was seen", async () => {
    const t = setup();
    t.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    const [a] = t.streams;
    t.send(a, 0, SSE_CREDITS);
    await vi.advanceTimersByTimeAsync(0);
    expect(a?.closed).toBe(true);
    const b = t.streams[1];
    t.send(b, 1005, 1010); // the new stream started too late: 1000..1004 are lost
    expect(t.log.gaps).toBe(1);
    expect(t.log.delivered.slice(-5)).toEqual([1005, 1006, 1007, 1008, 1009]);
  });

  it("starts over with a gap when the new stream is spent while the old one stalled", async () => {
    const t = setup();
    const [a, b] = await t.rollOver();
    a?.handlers.open();
    b?.handlers.open();
    // a is half-open: it neither delivers nor ends, so no overlap is ever seen.
    t.send(b, SSE_ROLLOVER_AT, SSE_ROLLOVER_AT + SSE_CREDITS);
    expect(a?.closed).toBe(true);
    expect(b?.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    const [, , c] = t.streams;
    expect(c?.kind).toBe("reconnect");
    c?.handlers.open();
    expect(t.log.gaps).toBe(1);
    t.send(c, 5000, 5001);
    expect(t.log.delivered.at(-1)).toBe(5000);
  });

  it("keeps the old stream when the rollover stream fails, and tries again on its next event", async () => {
    const t = setup();
    const [a, b] = await t.rollOver();
    b?.handlers.end(new ConnectionError("reset"));
    expect(a?.closed).toBe(false);
    t.send(a, 900, 901);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.streams.map((s) => s.kind)).toEqual(["first", "rollover", "rollover"]);
    expect(t.log.reconnecting).toEqual([]);
  });

  it("delivers each event once, in order, when a rollover stream fails after running ahead", async () => {
    const t = setup();
    const [a, b] = await t.rollOver();
    t.send(b, 905, 908); // the new stream is ahead of the old one (held)…
    b?.handlers.end(new ConnectionError("reset")); // …and fails
    t.send(a, 900, 910); // the old stream delivers 905..907 in their place
    await vi.advanceTimersByTimeAsync(0);
    expect(t.log.delivered.slice(SSE_ROLLOVER_AT)).toEqual([
      900, 901, 902, 903, 904, 905, 906, 907, 908, 909,
    ]);
    expect(t.log.gaps).toBe(0);
    // The old stream's next event started another rollover.
    expect(t.streams.map((s) => s.kind)).toEqual(["first", "rollover", "rollover"]);
  });

  it("holds the new stream's events until the old one catches up, so order is kept", async () => {
    const t = setup();
    const [a, b] = await t.rollOver();
    t.send(a, 900, 930);
    t.send(b, 930, 960); // ahead of the old stream: held
    expect(t.log.delivered.at(-1)).toBe(929);
    t.send(a, 930, 931); // the overlap: the old stream is closed, the held events go out
    expect(a?.closed).toBe(true);
    t.send(b, 960, 970);
    expect(t.log.delivered).toEqual(Array.from({ length: 970 }, (_, i) => i));
    expect(t.log.gaps).toBe(0);
  });

  it("lets held events out after SSE_HOLD_MS, with a gap, when the old stream stalls", async () => {
    const t = setup();
    const [a, b] = await t.rollOver();
    t.send(b, 905, 908); // the old stream (half-open) never catches up
    await vi.advanceTimersByTimeAsync(SSE_HOLD_MS - 1);
    expect(t.log.delivered.at(-1)).toBe(899);
    await vi.advanceTimersByTimeAsync(1);
    expect(a?.closed).toBe(true);
    expect(t.log.gaps).toBe(1);
    expect(t.log.delivered.slice(SSE_ROLLOVER_AT)).toEqual([905, 906, 907]);
  });

  it("reports the gap before the held events when the old stream ends first", async () => {
    const t = setup();
    const [a, b] = await t.rollOver();
    t.send(b, 905, 907);
    a?.handlers.end(undefined);
    expect(t.log.sequence.slice(SSE_ROLLOVER_AT)).toEqual(["gap", "905", "906"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("delivers two events of one stream that share type, time and topic", async () => {
    const t = setup();
    const [a] = await t.rollOver();
    t.send(a, 900, 901);
    t.send(a, 900, 901); // a second event with the same key, on the same stream
    expect(t.log.delivered.slice(SSE_ROLLOVER_AT)).toEqual([900, 900]);
  });

  it("re-opens a dropped stream with jittered exponential backoff and reports the gap", async () => {
    const t = setup();
    t.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    t.streams[0]?.handlers.open();
    t.streams[0]?.handlers.end(new ConnectionError("reset"));
    expect(t.log.reconnecting).toEqual([true]);
    await vi.advanceTimersByTimeAsync(99); // 100 ms × (0.5 + 0.5)
    expect(t.streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.streams[1]?.kind).toBe("reconnect");
    t.streams[1]?.handlers.end(undefined); // ended at once: still backing off
    await vi.advanceTimersByTimeAsync(199);
    expect(t.streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    t.streams[2]?.handlers.open();
    expect(t.log.reconnecting).toEqual([true, false]);
    expect(t.log.gaps).toBe(1);
    expect(t.log.ready).toBe(1);
  });

  it("starts the backoff over for a quiet stream that stayed open before it dropped", async () => {
    const t = setup({ maxRetries: 1 });
    t.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    // A finished job's channel: no events, dropped by an idle proxy again and again.
    for (let i = 0; i < 5; i++) {
      const stream = t.streams.at(-1);
      stream?.handlers.open();
      await vi.advanceTimersByTimeAsync(60_000);
      stream?.handlers.end(new ConnectionError("idle timeout"));
      await vi.advanceTimersByTimeAsync(100); // the first backoff step: 100 ms × (0.5 + 0.5)
      expect(t.streams).toHaveLength(i + 2);
    }
    expect(t.log.failed).toEqual([]);
  });

  it("fails at once on a refusal, and after maxRetries on drops", async () => {
    const refused = setup();
    refused.refuseWith(new AuthError("unauthorized"));
    refused.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(refused.log.failed).toEqual([new AuthError("unauthorized")]);

    const flaky = setup({ maxRetries: 1 });
    flaky.refuseWith(new ConnectionError("down"));
    flaky.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(flaky.log.failed).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(flaky.log.failed).toHaveLength(1);
    expect(flaky.log.failed[0]).toBeInstanceOf(ConnectionError);
    // Reconnecting was on: it ran out of tries, and counts them as the socket
    // does (maxRetries 1: the first stream and its one retry).
    expect(flaky.log.failed[0]).toMatchObject({ message: "gave up after 2 failed attempts: down" });
  });

  it("stops everything on close", async () => {
    const t = setup();
    t.channel.start();
    await vi.advanceTimersByTimeAsync(0);
    t.streams[0]?.handlers.end(new DispatchError(503, "unavailable"));
    t.channel.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.streams).toHaveLength(1);
    expect(t.log.failed).toEqual([]);
  });
});
