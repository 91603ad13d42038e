import type { Channel, GapEvent, StreamEvent, SubscribeOptions, Subscription } from "@dispatch/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Feed, type LiveClient, LiveSubscriptions } from "./live-subscriptions.js";

function fakeClient() {
  const gaps = new Set<(gap: GapEvent) => void>();
  const listeners = new Map<string, (event: StreamEvent) => void>();
  /** Ends the subscription of a channel the way the client does, e.g. on a refused re-subscribe. */
  const enders = new Map<string, (error: unknown) => void>();
  const calls = { subscribe: 0, unsubscribe: 0 };
  const client = {
    state: "open",
    subscribe: (channel: Channel, options: SubscribeOptions) => {
      calls.subscribe++;
      if (options.listener) listeners.set(channel, options.listener);
      let closed = false;
      enders.set(channel, (error) => {
        closed = true;
        options.onLive?.(false);
        options.onEnd?.(error);
      });
      // The server's confirmation, as the client reports it: later, and never once ended.
      void Promise.resolve().then(() => closed || options.onLive?.(true));
      return {
        ready: Promise.resolve(),
        get closed() {
          return closed;
        },
        unsubscribe: async () => {
          calls.unsubscribe++;
          listeners.delete(channel);
        },
      } as unknown as Subscription;
    },
    onGap: (listener: (gap: GapEvent) => void) => {
      gaps.add(listener);
      return () => gaps.delete(listener);
    },
    onStateChange: () => () => {},
  } as unknown as LiveClient;
  return {
    client,
    calls,
    listeners,
    enders,
    gap: (gap: GapEvent) => {
      for (const g of gaps) g(gap);
    },
  };
}

function feed(channel: Channel): Feed & { events: StreamEvent[]; gaps: number; closed: number } {
  return {
    channel,
    events: [],
    gaps: 0,
    closed: 0,
    event(e) {
      this.events.push(e);
    },
    gap() {
      this.gaps++;
    },
    close() {
      this.closed++;
    },
  };
}

describe("LiveSubscriptions", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("shares one subscription and lingers after the last release", () => {
    const { client, calls } = fakeClient();
    const live = new LiveSubscriptions(client, 1000);
    const a = live.retain("k", () => feed("jobs"));
    const b = live.retain("k", () => feed("jobs"));
    expect(a.feed).toBe(b.feed);
    a.release();
    a.release(); // idempotent
    b.release();
    expect(calls).toEqual({ subscribe: 1, unsubscribe: 0 });
    // A remount inside the linger keeps the subscription.
    const c = live.retain("k", () => feed("jobs"));
    vi.advanceTimersByTime(5000);
    expect(calls.unsubscribe).toBe(0);
    c.release();
    vi.advanceTimersByTime(999);
    expect(calls.unsubscribe).toBe(0);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual({ subscribe: 1, unsubscribe: 1 });
    expect((c.feed as ReturnType<typeof feed>).closed).toBe(1);
    expect(live.peek("k")).toBeUndefined();
  });

  it("routes events to the feed and listeners, gaps to the affected feeds only", async () => {
    const { client, listeners, gap } = fakeClient();
    const live = new LiveSubscriptions(client);
    const jobs = live.retain("a", () => feed("jobs")).feed as ReturnType<typeof feed>;
    const other = live.retain("b", () => feed("job:x")).feed as ReturnType<typeof feed>;
    const heard: StreamEvent[] = [];
    live.listen("a", (e) => heard.push(e));
    const event = { type: "job.started", ts: "t", topic: "job:y", data: {} } as unknown as StreamEvent;
    listeners.get("jobs")?.(event);
    expect(jobs.events).toEqual([event]);
    expect(heard).toEqual([event]);
    gap({ channels: ["jobs"], reason: "reconnect" });
    expect([jobs.gaps, other.gaps]).toEqual([1, 0]);
    await Promise.resolve();
    expect(live.isLive("a")).toBe(true);
    expect(live.isLive("nope")).toBe(false);
  });

  it("gives every listener the event when one of them throws, and says so on the console", () => {
    const { client, listeners } = fakeClient();
    const live = new LiveSubscriptions(client);
    live.retain("a", () => feed("jobs"));
    const heard: StreamEvent[] = [];
    live.listen("a", () => {
      throw new Error("bug in one component");
    });
    live.listen("a", (e) => heard.push(e));
    const said = vi.spyOn(console, "error").mockImplementation(() => {});
    const event = { type: "job.started", ts: "t", topic: "job:y", data: {} } as unknown as StreamEvent;
    try {
      listeners.get("jobs")?.(event);
      expect(said).toHaveBeenCalledWith(expect.stringContaining("onEvent for jobs threw"), expect.any(Error));
    } finally {
      said.mockRestore();
    }
    expect(heard).toEqual([event]);
  });

  it("is no longer live once the client ends a confirmed subscription (a refused re-subscribe)", async () => {
    const { client, enders } = fakeClient();
    const live = new LiveSubscriptions(client);
    const changed = vi.fn();
    live.onChange(changed);
    const { release } = live.retain("a", () => feed("jobs"));
    await Promise.resolve();
    expect(live.isLive("a")).toBe(true);
    changed.mockClear();
    enders.get("jobs")?.(new Error("forbidden"));
    expect(live.isLive("a")).toBe(false);
    expect(changed).toHaveBeenCalled();
    release();
  });

  it("does not read as live when the subscription ended before its confirmation was seen", async () => {
    const { client, enders } = fakeClient();
    const live = new LiveSubscriptions(client);
    live.retain("a", () => feed("jobs"));
    enders.get("jobs")?.(new Error("forbidden"));
    await Promise.resolve();
    expect(live.isLive("a")).toBe(false);
  });

  it("stays quiet when the client refuses to subscribe (closed)", () => {
    const { client } = fakeClient();
    (client as { subscribe: unknown }).subscribe = () => {
      throw new Error("client closed");
    };
    const live = new LiveSubscriptions(client);
    const { release } = live.retain("a", () => feed("jobs"));
    expect(live.isLive("a")).toBe(false);
    release();
    vi.runAllTimers();
  });
});
