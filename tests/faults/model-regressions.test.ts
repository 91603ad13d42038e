/**
 * Minimal reproductions of what tests/faults/model.test.ts found, each
 * against the real dev server.
 */
import { createServer, type Socket } from "node:net";
import { Dispatch } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { clientOf, deferCleanup, numbered, Signal, startServer, WebSocket } from "./helpers.js";

describe("found by the model test", () => {
  it("a subscription read by a listener and an iterator, unsubscribed by its listener, ends its iterator for good", async () => {
    const server = await startServer();
    const client = clientOf(server);
    const sub = client.subscribe("firehose", { listener: () => void sub.unsubscribe() });
    const it = sub[Symbol.asyncIterator]();
    const first = it.next();
    await sub.ready;
    server.publish(numbered(1));
    expect(await first).toEqual({ done: true, value: undefined });
    // Was { done: false, value: <event 1> }: the event went into the buffer after the end.
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(sub.buffered).toBe(0);
  });

  // partysocket's connectionTimeout was fixed at 10 s: a socket whose upgrade
  // is never answered (a server frozen between accept and upgrade, or any
  // black hole) held the client in "connecting" that long per attempt,
  // whatever `timeout` said.
  it("replaces a socket whose WebSocket upgrade is never answered within the request timeout", async () => {
    const sockets: Socket[] = [];
    const signal = new Signal();
    const blackHole = createServer((socket) => {
      sockets.push(socket); // accepted, never answered
      signal.poke();
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    deferCleanup(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          blackHole.close(() => resolve());
        }),
    );
    const { port } = blackHole.address() as { port: number };
    const client = new Dispatch({
      url: `ws://127.0.0.1:${port}/dwp`,
      token: "dk_test_faults",
      WebSocket,
      timeout: 300,
      heartbeatInterval: 100,
      minReconnectDelay: 5,
      maxReconnectDelay: 20,
    });
    deferCleanup(() => client.close());
    await expect(client.connect()).rejects.toMatchObject({ code: "timeout" });
    // A second attempt within a few timeouts, not after 10 s.
    await signal.until(() => sockets.length >= 2, 1_500, "a second connection attempt");
  });
});
