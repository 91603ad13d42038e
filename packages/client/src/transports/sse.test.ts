import { describe, expect, it, vi } from "vitest";
import { deferred } from "../deferred.js";
import { AuthError, ConnectionError, type DispatchError, TimeoutError } from "../errors.js";
import type { StreamEvent } from "../protocol/types.js";
import { httpBaseOf, rpcUrlOf } from "./rpc.js";
import { openSseStream, sseUrlOf } from "./sse.js";

/** A fetch answering with `chunks` as an event stream, split wherever the test says. */
function streamingFetch(chunks: string[], status = 200): typeof fetch {
  return async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const headers = { "Content-Type": "text/event-stream" };
    return new Response(status === 200 ? body : null, { status, headers });
  };
}

function run(fetchFn: typeof fetch) {
  return new Promise<{ opened: boolean; events: StreamEvent[]; error: DispatchError | undefined }>(
    (resolve) => {
      const result = {
        opened: false,
        events: [] as StreamEvent[],
        error: undefined as DispatchError | undefined,
      };
      openSseStream(
        { fetch: fetchFn, url: "http://127.0.0.1:1/dwp/sse?token=t&channel=jobs" },
        {
          open: () => {
            result.opened = true;
          },
          event: (e) => result.events.push(e),
          end: (error) => resolve({ ...result, error }),
        },
      );
    },
  );
}

describe("openSseStream", () => {
  it("parses events split across chunks, ignoring retry and junk", async () => {
    const a = JSON.stringify({ type: "job.enqueued", ts: "2026-01-02T03:04:05Z", topic: "job:1", data: {} });
    const b = JSON.stringify({ type: "job.started", ts: "2026-01-02T03:04:06Z", topic: "job:1", data: {} });
    const text = `retry: 3000\n\nevent: job.enqueued\ndata: ${a}\n\nevent: x\ndata: not json\n\nevent: job.started\ndata: ${b}\n\n`;
    const chunks = [text.slice(0, 7), text.slice(7, 60), text.slice(60, 61), text.slice(61)];
    const result = await run(streamingFetch(chunks));
    expect(result.opened).toBe(true);
    expect(result.events.map((e) => e.type)).toEqual(["job.enqueued", "job.started"]);
    expect(result.error).toBeUndefined();
  });

  it("reports a server that ends the stream at once (a refused token on SSE) as a plain end", async () => {
    const result = await run(streamingFetch(["retry: 3000\n\n"]));
    expect(result).toEqual({ opened: true, events: [], error: undefined });
  });

  it("refuses a 200 that is not an event stream", async () => {
    const html: typeof fetch = async () => new Response("<html></html>", { status: 200 });
    const result = await run(html);
    expect(result.opened).toBe(false);
    expect(result.error).toMatchObject({ code: "protocol", retryable: false });
  });

  it("maps statuses and network failures to typed errors", async () => {
    expect((await run(streamingFetch([], 401))).error).toBeInstanceOf(AuthError);
    expect((await run(streamingFetch([], 503))).error).toMatchObject({ code: 503, retryable: true });
    const failing: typeof fetch = () => Promise.reject(new TypeError("fetch failed"));
    const result = await run(failing);
    expect(result.opened).toBe(false);
    expect(result.error).toBeInstanceOf(ConnectionError);
  });

  it("never calls end or event after close(), and lets go of the body", async () => {
    // A body the test feeds by hand, from a fetch that ignores the abort signal.
    const cancelled = deferred<void>();
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        feed = controller;
      },
      cancel: () => cancelled.resolve(),
    });
    const headers = { "Content-Type": "text/event-stream" };
    const opened = deferred<void>();
    const heard = deferred<string>();
    const stream = openSseStream(
      { fetch: async () => new Response(body, { headers }), url: "http://127.0.0.1:1/dwp/sse" },
      {
        open: () => opened.resolve(),
        event: (e) => heard.resolve(`event ${e.type}`),
        end: () => heard.resolve("end"),
      },
    );
    await opened.promise;
    stream.close();
    const event = JSON.stringify({
      type: "job.started",
      ts: "2026-01-02T03:04:05Z",
      topic: "jobs",
      data: {},
    });
    try {
      feed.enqueue(new TextEncoder().encode(`event: job.started\ndata: ${event}\n\n`));
    } catch {
      // Already cancelled: the stream no longer takes data, as it should.
    }
    // Either the body is cancelled (right), or the event is read and delivered (wrong).
    expect(await Promise.race([cancelled.promise.then(() => "cancelled"), heard.promise])).toBe("cancelled");
  });

  it("cancels a body that arrives after close()", async () => {
    const cancelled = deferred<void>();
    const body = new ReadableStream<Uint8Array>({ cancel: () => cancelled.resolve() });
    const response = deferred<Response>();
    let ended = false;
    const stream = openSseStream(
      { fetch: () => response.promise, url: "http://127.0.0.1:1/dwp/sse" },
      { open: () => {}, event: () => {}, end: () => (ended = true) },
    );
    stream.close();
    response.resolve(new Response(body, { headers: { "Content-Type": "text/event-stream" } }));
    await cancelled.promise;
    expect(ended).toBe(false);
  });
});

describe("openSseStream, stuck peers", () => {
  it("ends with a TimeoutError when the response headers never come (a proxy holding the request)", async () => {
    vi.useFakeTimers();
    try {
      let signal: AbortSignal | undefined;
      const held: typeof fetch = (_input, init) => {
        signal = init?.signal ?? undefined;
        return new Promise<Response>(() => {});
      };
      let ended: DispatchError | undefined;
      openSseStream(
        { fetch: held, url: "http://127.0.0.1:1/dwp/sse?token=t&channel=jobs", timeout: 1000 },
        { open: () => {}, event: () => {}, end: (error) => (ended = error) },
      );
      await vi.advanceTimersByTimeAsync(999);
      expect(ended).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(ended).toBeInstanceOf(TimeoutError);
      expect(ended?.retryable).toBe(true);
      expect(signal?.aborted).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("cancels the body on close(), even from a fetch that does not tie the body to its signal", async () => {
    const released = deferred<void>();
    const opened = deferred<void>();
    // A polyfill or instrumentation layer whose body is a stream of its own.
    const wrapped: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("retry: 3000\n\n"));
          },
          cancel: () => released.resolve(),
        }),
        { status: 200, headers: { "Content-Type": "text/event-stream" } },
      );
    const stream = openSseStream(
      { fetch: wrapped, url: "http://127.0.0.1:1/dwp/sse?token=t&channel=jobs" },
      { open: () => opened.resolve(), event: () => {}, end: () => {} },
    );
    await opened.promise;
    stream.close();
    await released.promise;
  });
});

describe("endpoint URLs", () => {
  it("derives RPC and SSE endpoints from the ws(s) URL or the http(s) base", () => {
    expect(rpcUrlOf("wss://h.example/dwp")).toBe("https://h.example/dwp/rpc");
    expect(rpcUrlOf("ws://127.0.0.1:8080/dwp/")).toBe("http://127.0.0.1:8080/dwp/rpc");
    expect(rpcUrlOf("https://h.example")).toBe("https://h.example/dwp/rpc");
    expect(rpcUrlOf("https://h.example/api/dwp")).toBe("https://h.example/api/dwp/rpc");
    expect(rpcUrlOf("https://h.example/dwp/rpc")).toBe("https://h.example/dwp/rpc");
    expect(httpBaseOf("wss://h.example/dwp?x=1").toString()).toBe("https://h.example/dwp");
    expect(sseUrlOf("wss://h.example/dwp", "dk_test_a&b", "job:job_1")).toBe(
      "https://h.example/dwp/sse?token=dk_test_a%26b&channel=job%3Ajob_1",
    );
    expect(sseUrlOf("https://h.example/dwp/rpc", "t", "jobs")).toBe(
      "https://h.example/dwp/sse?token=t&channel=jobs",
    );
  });
});
