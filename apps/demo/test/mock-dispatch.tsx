/**
 * Component tests against a scripted DWP server (`@dispatch/client/testing`):
 * the real client, the real provider, no network beyond msw's interception.
 */
import { type ConnectionState, Dispatch, type DispatchOptions } from "@dispatch/client";
import { createMockDispatch } from "@dispatch/client/testing";
import { DispatchProvider } from "@dispatch/react";
import { QueryClient } from "@tanstack/react-query";
import { cleanup, render } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterAll, afterEach, beforeAll } from "vitest";

const URL = "ws://127.0.0.1:7787/dwp";

/** A mock server for the calling file, and `renderLive` to render under a client of it. */
export function mockDispatchForFile() {
  const mock = createMockDispatch({ url: URL });
  const clients: Dispatch[] = [];
  beforeAll(() => mock.listen());
  afterEach(() => {
    cleanup();
    for (const client of clients.splice(0)) client.close();
    mock.reset();
  });
  afterAll(() => mock.close());

  /** Renders `ui` under a provider of a new client (and query cache); `rerender` keeps the provider. */
  function renderLive(ui: ReactNode, options: Partial<DispatchOptions> = {}) {
    // Quick reconnects, and no heartbeat timers outliving a test.
    const client = new Dispatch({
      url: URL,
      token: "dk_test_demo",
      WebSocket: mock.WebSocket,
      heartbeatInterval: 0,
      minReconnectDelay: 10,
      maxReconnectDelay: 50,
      ...options,
    });
    clients.push(client);
    const queryClient = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <DispatchProvider client={client} queryClient={queryClient}>
        {children}
      </DispatchProvider>
    );
    return { client, queryClient, ...render(ui, { wrapper }) };
  }

  return { mock, renderLive };
}

/** Resolves when `client` reaches `state` (at once if it is there). */
export function reached(client: Dispatch, state: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === state) return resolve();
    const off = client.onStateChange((next) => {
      if (next !== state) return;
      off();
      resolve();
    });
  });
}

/** An answer for a mock handler that the test releases when it chooses. */
export function held<T>(): { promise: Promise<T>; release(value: T): void } {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}
