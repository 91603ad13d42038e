import { Dispatch, type DispatchOptions } from "@dispatch/client";
import { createMockDispatch, type MockDispatchOptions } from "@dispatch/client/testing";
import { QueryClient } from "@tanstack/react-query";
import { cleanup } from "@testing-library/react";
import { type ReactNode, StrictMode } from "react";
import { afterAll, afterEach, beforeAll } from "vitest";
import { DispatchProvider } from "../src/index.js";

export const MOCK_URL = "ws://127.0.0.1:7777/dwp";
export const TOKEN = "dk_test_mock";

/** A deferred answer for a mock handler, released by the test. */
export function held<T>(): { promise: Promise<T>; release(value: T): void } {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

/** A client, a query cache and a wrapper that provides both. */
export function setup(options: { strict?: boolean; url?: string; client?: Partial<DispatchOptions> } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { gcTime: Number.POSITIVE_INFINITY } } });
  const client = new Dispatch({
    url: options.url ?? MOCK_URL,
    token: TOKEN,
    heartbeatInterval: 0,
    minReconnectDelay: 10,
    maxReconnectDelay: 50,
    ...options.client,
  });
  const wrapper = ({ children }: { children: ReactNode }) => {
    const tree = (
      <DispatchProvider client={client} queryClient={queryClient}>
        {children}
      </DispatchProvider>
    );
    return options.strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  return {
    client,
    queryClient,
    wrapper,
    dispose() {
      client.close();
      queryClient.clear();
    },
  };
}

/**
 * A mock DWP server for the calling test file: listening throughout, and
 * after each test the React tree unmounted, `afterEachTest` run, and the
 * mock reset.
 */
export function mockServerForFile(options: MockDispatchOptions, afterEachTest: () => void = () => {}) {
  const mock = createMockDispatch(options);
  beforeAll(() => mock.listen());
  afterEach(() => {
    cleanup();
    afterEachTest();
    mock.reset();
  });
  afterAll(() => mock.close());
  return mock;
}
