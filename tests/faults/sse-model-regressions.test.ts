/**
 * Minimal reproductions of what tests/faults/sse-model.test.ts found, each
 * against the real dev server.
 */
import { Dispatch, type StreamEvent } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { deferCleanup, numbered, Signal, startServer, TOKEN } from "./helpers.js";

describe('found by the SSE model test (transport "sse")', () => {
  // The socket transport ends every subscription inside close(); over SSE the
  // link was closed a microtask later, so a listener that closed the client
  // was still handed the rest of the events already read (99 in the model's
  // run), and `sub.closed` stayed false after close() returned.
  it("close() from inside a listener ends every subscription at once: nothing more is delivered", async () => {
    const server = await startServer();
    const client = new Dispatch({ url: server.url, token: TOKEN, transport: "sse" });
    deferCleanup(() => client.close());
    const got: StreamEvent[] = [];
    let others = 0;
    let atClose: { closed: boolean; otherClosed: boolean; others: number } | undefined;
    const signal = new Signal();
    const closing = client.subscribe("firehose", (event) => {
      got.push(event);
      client.close();
      atClose ??= { closed: closing.closed, otherClosed: other.closed, others };
      signal.poke();
    });
    const other = client.subscribe("jobs", () => others++);
    await Promise.all([closing.ready, other.ready]);
    // Written together: they reach the client in one read, most likely one chunk.
    for (let seq = 1; seq <= 5; seq++) server.publish(numbered(seq));
    await signal.until(() => got.length > 0, 5_000, "the first event");
    // Whatever else had been read by then is never delivered.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(atClose).toEqual({ closed: true, otherClosed: true, others: atClose?.others });
    expect(got).toHaveLength(1);
    expect(others).toBe(atClose?.others);
  });

  it("after close() returns, every subscription is closed and has had onEnd", async () => {
    const server = await startServer();
    const client = new Dispatch({ url: server.url, token: TOKEN, transport: "sse" });
    deferCleanup(() => client.close());
    const ended: unknown[] = [];
    const sub = client.subscribe("jobs", { onEnd: (error) => ended.push(error) });
    await sub.ready;
    // One subscribed to just now, not yet routed to a stream, too.
    const late = client.subscribe("workflows", { onEnd: (error) => ended.push(error) });
    client.close();
    expect(sub.closed).toBe(true);
    expect(late.closed).toBe(true);
    expect(ended).toEqual([undefined, undefined]);
  });
});
