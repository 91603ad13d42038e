// A signed-out provider's client keeps trying to connect, each attempt
// waiting for a token that never comes until it times out. Those waits must
// not pile up on the heap for as long as the user stays signed out.
import { queryObjects } from "node:v8";
import type { Dispatch, WebSocketConstructor } from "@dispatch/client";
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { DispatchProvider, useChannel, useDispatch } from "../src/index.js";

let server: DevServer;
beforeAll(async () => {
  server = await createDevServer();
});
afterAll(() => server.close());

let client: Dispatch | undefined;
function Probe() {
  client = useDispatch();
  useChannel("jobs");
  return null;
}

it("keeps no trace of a signed-out client's timed-out token waits", { timeout: 30_000 }, async () => {
  const options = {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    timeout: 2,
    minReconnectDelay: 1,
    maxReconnectDelay: 1,
    heartbeatInterval: 0,
  };
  const { unmount } = render(
    <DispatchProvider url={server.url} token={undefined} queryClient={new QueryClient()} options={options}>
      <Probe />
    </DispatchProvider>,
  );
  // Each failed attempt reports its error, with the state still "connecting".
  let attempts = 0;
  client?.onStateChange(() => attempts++);
  const promisesAfter = async (count: number): Promise<number> => {
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(count), { timeout: 20_000, interval: 20 });
    return queryObjects(Promise, { format: "count" }) as number;
  };
  const early = await promisesAfter(50);
  const late = await promisesAfter(550);
  unmount();
  // A kept wait holds promises of its own: 500 attempts would keep a thousand.
  expect(late - early).toBeLessThan(100);
});
