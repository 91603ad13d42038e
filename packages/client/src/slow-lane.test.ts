import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectionError, TimeoutError } from "./errors.js";
import type { RequestOptions } from "./requests.js";
import { SlowLane, type SlowLaneOptions } from "./slow-lane.js";

function lane(overrides: Partial<SlowLaneOptions> = {}) {
  const side = {
    connect: vi.fn(async (_options: RequestOptions) => "ws_side"),
    request: vi.fn(async () => "via socket"),
    close: vi.fn(),
  };
  const options: SlowLaneOptions = {
    url: "ws://127.0.0.1:9/dwp",
    route: "rpc",
    fetch: vi.fn(async () => new Response('{"id":"s","type":"response","data":"via rpc","ts":""}')),
    token: async () => "dk_test_a",
    timeout: 1000,
    logger: { warn: vi.fn() },
    openSideChannel: () => side,
    ...overrides,
  };
  return { lane: new SlowLane(options), side, options };
}

describe("SlowLane", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("uses HTTP RPC when asked, with the raw token and exact content type", async () => {
    const { lane: l, options } = lane();
    await expect(l.request("workflow.start", '{"name":"w","input":{}}', {})).resolves.toBe("via rpc");
    const [url, init] = (options.fetch as ReturnType<typeof vi.fn>).mock.calls[0] as [string, RequestInit];
    expect(url).toBe("http://127.0.0.1:9/dwp/rpc");
    expect(init.headers).toEqual({ "Content-Type": "application/json", Authorization: "dk_test_a" });
    expect(JSON.parse(init.body as string)).toMatchObject({
      type: "request",
      method: "workflow.start",
      data: { name: "w" },
    });
  });

  it("uses a second socket by default, in browsers and out, and never fetches", async () => {
    // Over RPC the Go server would cancel the run when the request ends early.
    const node = lane({ route: "auto" });
    await expect(node.lane.request("workflow.start", "{}", {})).resolves.toBe("via socket");
    vi.stubGlobal("document", {});
    vi.stubGlobal("location", { origin: "http://127.0.0.1:9" });
    const page = lane({ route: "auto" });
    await expect(page.lane.request("workflow.start", "{}", {})).resolves.toBe("via socket");
    expect(
      [node.options.fetch, page.options.fetch].flatMap((f) => (f as ReturnType<typeof vi.fn>).mock.calls),
    ).toEqual([]);
  });

  it("gives the second socket's session the ordinary timeout, not the run's 15 minutes", async () => {
    const { lane: l, side } = lane({ route: "socket" });
    const unreachable = new TimeoutError("no session within 1000 ms");
    side.connect.mockRejectedValueOnce(unreachable);
    await expect(l.request("workflow.start", "{}", { timeout: 15 * 60_000 })).rejects.toBe(unreachable);
    expect(side.connect).toHaveBeenCalledWith({ timeout: 1000 });
    // Never sent: the run did not start, and the socket is not left open.
    expect(side.request).not.toHaveBeenCalled();
    expect(side.close).toHaveBeenCalledOnce();
    // A shorter timeout of the call's own bounds the session too.
    await l.request("workflow.start", "{}", { timeout: 200 });
    expect(side.connect).toHaveBeenLastCalledWith({ timeout: 200 });
  });

  it("switches to a socket when the RPC endpoint answers 404 without a DWP frame", async () => {
    const { lane: l, side } = lane({ fetch: vi.fn(async () => new Response("not found", { status: 404 })) });
    await expect(l.request("workflow.start", "{}", {})).resolves.toBe("via socket");
    await expect(l.request("workflow.start", "{}", {})).resolves.toBe("via socket");
    expect(side.request).toHaveBeenCalledTimes(2);
  });

  it("close() rejects a running RPC call as closed and aborts its fetch", async () => {
    let fetchSignal: AbortSignal | undefined;
    const hanging = vi.fn(
      (_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          fetchSignal = init?.signal ?? undefined;
          fetchSignal?.addEventListener("abort", () => reject(fetchSignal?.reason));
        }),
    );
    const { lane: l } = lane({ fetch: hanging as typeof fetch, timeout: 15 * 60_000 });
    const running = l.request("workflow.start", "{}", {});
    await vi.waitFor(() => expect(hanging).toHaveBeenCalledTimes(1));
    l.close();
    await expect(running).rejects.toMatchObject({ name: "ConnectionError", code: "closed" });
    expect(fetchSignal?.aborted).toBe(true);
    await expect(l.request("workflow.start", "{}", {})).rejects.toMatchObject({ code: "closed" });
    expect(hanging).toHaveBeenCalledTimes(1);
  });

  it("does not re-send another way when RPC failed at the network level", async () => {
    const { lane: l, side } = lane({
      fetch: vi.fn(async () => Promise.reject(new TypeError("socket hang up"))),
    });
    await expect(l.request("workflow.start", "{}", {})).rejects.toMatchObject({ code: "connection_lost" });
    expect(side.request).not.toHaveBeenCalled();
  });

  it("maps a DWP error answer to its code", async () => {
    const body = '{"id":"s","type":"error","error":{"code":403,"message":"forbidden"},"ts":""}';
    const { lane: l } = lane({ fetch: vi.fn(async () => new Response(body, { status: 403 })) });
    await expect(l.request("workflow.start", "{}", {})).rejects.toMatchObject({
      code: 403,
      message: "forbidden",
    });
  });

  it("gives each request a socket of its own and closes it after, however it ended", async () => {
    const answers: Array<{ resolve(value: string): void; reject(error: unknown): void }> = [];
    const sides: Array<{ request: ReturnType<typeof vi.fn>; close: ReturnType<typeof vi.fn> }> = [];
    const openSideChannel = () => {
      const side = {
        connect: async () => "ws_side",
        request: vi.fn(() => new Promise<string>((resolve, reject) => answers.push({ resolve, reject }))),
        close: vi.fn(),
      };
      sides.push(side);
      return side;
    };
    const { lane: l } = lane({ route: "socket", openSideChannel });
    // The server would run these one after the other on a shared socket.
    const first = l.request("workflow.start", "{}", {});
    const second = l.request("workflow.start", "{}", {});
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    expect(sides).toHaveLength(2);
    answers[0]?.resolve("done");
    // Given up on (a timeout): its socket still carries the run and is not reused.
    answers[1]?.reject(new TimeoutError("workflow.start timed out"));
    await expect(first).resolves.toBe("done");
    await expect(second).rejects.toBeInstanceOf(TimeoutError);
    expect(sides.map((side) => side.close.mock.calls.length)).toEqual([1, 1]);
    const third = l.request("workflow.start", "{}", {});
    await vi.waitFor(() => expect(sides).toHaveLength(3));
    l.close();
    expect(sides[2]?.close).toHaveBeenCalled();
    answers[2]?.reject(new ConnectionError("client closed", { closed: true }));
    await expect(third).rejects.toMatchObject({ code: "closed" });
  });

  it("opens no second socket after close", async () => {
    const { lane: l, side } = lane({ route: "socket" });
    l.close();
    await expect(l.request("workflow.start", "{}", {})).rejects.toMatchObject({ code: "closed" });
    expect(side.request).not.toHaveBeenCalled();
  });
});
