import { type Channel, DispatchError, type StreamEvent, ValidationError } from "@dispatch/client";
import { createMockDispatch, jobEvent, MockError } from "@dispatch/client/testing";
import { act, cleanup, render, renderHook, screen, waitFor } from "@testing-library/react";
import { useEffect } from "react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { useChannel, useConnectionState } from "../src/index.js";
import { setup } from "./setup-client.js";

const mock = createMockDispatch({ url: "ws://127.0.0.1:7778/dwp" });
let env: ReturnType<typeof setup>;

beforeAll(() => mock.listen());
afterEach(() => {
  cleanup();
  env?.dispose();
  mock.reset();
  vi.unstubAllGlobals();
});
afterAll(() => mock.close());

const queued = (i: number, queue: string): StreamEvent =>
  jobEvent("job.enqueued", `job_${String(i).padStart(26, "0")}`, new Date(1_700_000_000_000 + i), { queue });

/** requestAnimationFrame under the test's control. */
function manualFrames() {
  let queue: FrameRequestCallback[] = [];
  vi.stubGlobal("requestAnimationFrame", (callback: FrameRequestCallback) => queue.push(callback));
  vi.stubGlobal("cancelAnimationFrame", () => {});
  return {
    tick() {
      const run = queue;
      queue = [];
      for (const callback of run) callback(performance.now());
    },
    get pending() {
      return queue.length;
    },
  };
}

/**
 * Emits events `from`…`to` as fast as the server may: like the Go server, the
 * mock drops events beyond the connection's 1,000 credits, so each batch of
 * 250 waits for the client's grant (it grants every 250 events).
 */
async function flood(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 250) {
    const grant = mock.nextFrame((frame) => frame.credits !== undefined);
    for (let j = i; j < Math.min(i + 250, to); j++) mock.emit(queued(j, "default"));
    await grant;
  }
}

const counts = { renders: 0, heard: 0 };
function FloodView() {
  counts.renders++;
  const { events, received, isLive } = useChannel("jobs", { limit: 100, onEvent: () => counts.heard++ });
  return <p>{`${isLive ? "live" : "off"} ${events.length}/${received}`}</p>;
}

const feedRenders = { clears: [] as (() => void)[] };

/** Clears its list whenever the filter changes, the way an app would. */
function Feed({ filter }: { filter: string }) {
  const { events, clear } = useChannel("jobs");
  feedRenders.clears.push(clear);
  // biome-ignore lint/correctness/useExhaustiveDependencies: clearing on a filter change is the point
  useEffect(() => clear(), [clear, filter]);
  return <p>{`${filter} ${events.length}`}</p>;
}

describe("useChannel", () => {
  it("shares one buffer and one wire subscription between components, each with its limit", async () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    const { result } = renderHook(
      () => ({ all: useChannel("queue:emails"), last2: useChannel("queue:emails", { limit: 2 }) }),
      { wrapper: env.wrapper },
    );
    await waitFor(() => expect(result.current.all.isLive).toBe(true));
    for (let i = 0; i < 5; i++) mock.emit(queued(i, "emails"));
    mock.emit(queued(99, "reports"));
    await waitFor(() => expect(result.current.all.events).toHaveLength(5));
    expect(result.current.last2.events.map((e) => e.ts)).toEqual([queued(3, "").ts, queued(4, "").ts]);
    // queue:<name> rides on the jobs topic; one subscribe for both hooks.
    expect(mock.sent("subscribe")).toHaveLength(1);
    expect(mock.sent("subscribe", "jobs")).toHaveLength(1);

    act(() => result.current.all.clear());
    await waitFor(() => expect(result.current.last2.events).toHaveLength(0));
    expect(result.current.all.received).toBe(5);
  });

  it("keeps clear stable, so an effect that clears on a filter change settles", async () => {
    env = setup({ url: mock.url });
    feedRenders.clears = [];
    const { rerender } = render(<Feed filter="all" />, { wrapper: env.wrapper });
    await screen.findByText("all 0");
    rerender(<Feed filter="mail" />);
    await screen.findByText("mail 0");
    await waitFor(() => expect(env.client.state).toBe("open"));
    expect(new Set(feedRenders.clears).size).toBe(1);
    expect(feedRenders.clears.length).toBeLessThan(10);
  });

  it("is no longer live when the re-subscribe after a reconnect is refused", async () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    const { result } = renderHook(() => useChannel("jobs"), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.isLive).toBe(true));
    // The token of the next session may no longer subscribe.
    mock.handle("subscribe", () => new MockError(403, "insufficient permissions"));
    const refused = mock.nextFrame((frame) => frame.method === "subscribe");
    mock.drop();
    await refused;
    await waitFor(() => expect(env.client.state).toBe("open"));
    await waitFor(() => expect(result.current.isLive).toBe(false));
  });

  it("reports an invalid channel as its error, sending nothing", async () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    // A name from a URL or a form, past the type checker.
    const { result } = renderHook(() => useChannel("queue:" as Channel), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(ValidationError));
    expect(result.current.error?.message).toContain('invalid channel "queue:"');
    expect(result.current.isLive).toBe(false);
    expect(mock.sent("subscribe")).toHaveLength(0);
  });

  it("reports the server's refusal as its error until a later session is live", async () => {
    let refuse = true;
    mock.handle("subscribe", () => (refuse ? new MockError(403, "insufficient permissions") : undefined));
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    const { result } = renderHook(() => useChannel("jobs"), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(DispatchError));
    expect((result.current.error as DispatchError).code).toBe(403);
    expect(result.current.isLive).toBe(false);
    // A new token, say, may subscribe: the next session tries again.
    refuse = false;
    mock.drop();
    await waitFor(() => expect(result.current.isLive).toBe(true));
    expect(result.current.error).toBeUndefined();
  });

  it("refuses a limit that is not a positive integer", () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    // React reports the render error on the console as well; keep the output clean.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const limit of [Number.NaN, 0, -1, 2.5]) {
      expect(() => renderHook(() => useChannel("jobs", { limit }), { wrapper: env.wrapper })).toThrow(
        `useChannel: limit must be a positive integer, got ${limit}`,
      );
    }
    quiet.mockRestore();
    expect(mock.sent("subscribe")).toHaveLength(0);
  });

  it("renders once per frame under a flood, keeping only `limit` events", async () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    const frames = manualFrames();
    counts.renders = 0;
    counts.heard = 0;
    render(<FloodView />, { wrapper: env.wrapper });
    await screen.findByText("live 0/0");
    const before = counts.renders;

    await flood(0, 2000);
    await waitFor(() => expect(counts.heard).toBe(2000));
    // Every event arrived, and none caused a render yet: they wait for the frame.
    expect(counts.renders).toBe(before);
    expect(frames.pending).toBe(1);
    act(() => frames.tick());
    await screen.findByText("live 100/2000");
    expect(counts.renders - before).toBe(1);

    // Another burst, another single render.
    await flood(2000, 2500);
    await waitFor(() => expect(counts.heard).toBe(2500));
    act(() => frames.tick());
    await screen.findByText("live 100/2500");
    expect(counts.renders - before).toBe(2);
  });

  it("freezes the view while paused and catches up after", async () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    const onEvent = vi.fn();
    const { result, rerender } = renderHook(
      ({ paused }) => ({ other: useChannel("jobs"), view: useChannel("jobs", { paused, onEvent }) }),
      { wrapper: env.wrapper, initialProps: { paused: false } },
    );
    await waitFor(() => expect(result.current.view.isLive).toBe(true));
    mock.emit(queued(1, "default"));
    await waitFor(() => expect(result.current.view.events).toHaveLength(1));
    rerender({ paused: true });
    mock.emit(queued(2, "default"));
    mock.emit(queued(3, "default"));
    // The shared buffer moves on; the paused view does not.
    await waitFor(() => expect(result.current.other.events).toHaveLength(3));
    expect(result.current.view.events).toHaveLength(1);
    expect(onEvent).toHaveBeenCalledOnce();
    rerender({ paused: false });
    expect(result.current.view.events).toHaveLength(3);
  });

  it("shows a new channel's events, not the old one's, when a paused view switches channel", async () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    const { result, rerender } = renderHook(
      ({ channel, paused }: { channel: Channel; paused: boolean }) => useChannel(channel, { paused }),
      { wrapper: env.wrapper, initialProps: { channel: "queue:emails" as Channel, paused: false } },
    );
    await waitFor(() => expect(result.current.isLive).toBe(true));
    mock.emit(queued(1, "emails"));
    await waitFor(() => expect(result.current.events).toHaveLength(1));
    rerender({ channel: "queue:emails", paused: true });
    // A paused log viewer, and the user picks another queue.
    rerender({ channel: "queue:reports", paused: true });
    expect(result.current.events).toEqual([]);
    expect(result.current.received).toBe(0);
  });

  it("reports the connection state", async () => {
    env = setup({ url: "ws://127.0.0.1:7778/dwp" });
    const seen: string[] = [];
    const { result } = renderHook(
      () => {
        const conn = useConnectionState();
        if (seen.at(-1) !== conn.state) seen.push(conn.state);
        return { conn, channel: useChannel("jobs") };
      },
      { wrapper: env.wrapper },
    );
    await waitFor(() => expect(result.current.conn.state).toBe("open"));
    const first = result.current.conn.lastConnectedAt;
    expect(first).toBeTypeOf("number");
    mock.drop();
    await waitFor(() => expect(seen.filter((s) => s === "open")).toHaveLength(2));
    expect(seen).toEqual(["idle", "connecting", "open", "reconnecting", "open"]);
    expect(result.current.conn.lastConnectedAt).toBeGreaterThanOrEqual(first as number);
    await waitFor(() => expect(result.current.channel.isLive).toBe(true));
  });
});
