import { type Dispatch, DispatchError } from "@dispatch/client";
import { createMockDispatch, jobEvent, wireJob } from "@dispatch/client/testing";
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { StrictMode } from "react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DispatchProvider, useChannel, useDispatch, useJob } from "../src/index.js";

const URL = "ws://127.0.0.1:7779/dwp";
const mock = createMockDispatch({ url: URL });
const ID = "job_01h455vb4pex5vsknk084sn02q";

beforeAll(() => mock.listen());
afterEach(() => {
  cleanup();
  mock.reset();
});
afterAll(() => mock.close());

let seen: { client?: Dispatch; queryClient?: QueryClient } = {};
function Probe() {
  seen = { client: useDispatch(), queryClient: useQueryClient() };
  const { data } = useJob(ID);
  return <p>{data?.state ?? "loading"}</p>;
}

/** Every hook option given as undefined. */
function Defaults() {
  const { data } = useJob(ID, { enabled: undefined, stopOnTerminal: undefined, onEvent: undefined });
  const feed = useChannel("jobs", {
    enabled: undefined,
    limit: undefined,
    paused: undefined,
    onEvent: undefined,
  });
  return <p>{`${data?.state ?? "loading"} ${feed.isLive ? "live" : "off"}`}</p>;
}

function Lonely() {
  useDispatch();
  return null;
}

const signedIn = (queryClient: QueryClient, token: string | undefined) => (
  <DispatchProvider
    url={URL}
    token={token}
    queryClient={queryClient}
    options={{ heartbeatInterval: 0, minReconnectDelay: 10, maxReconnectDelay: 20 }}
  >
    <Probe />
  </DispatchProvider>
);

describe("DispatchProvider", () => {
  it("waits for a token that arrives after the first render, and never reuses a removed one", async () => {
    mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
    const queryClient = new QueryClient();
    // A session still loading: no token yet. Rendering must not throw.
    const { rerender } = render(signedIn(queryClient, undefined));
    await waitFor(() => expect(seen.client?.state).toBe("connecting"));
    expect(mock.sent("auth")).toHaveLength(0);
    rerender(signedIn(queryClient, "dk_test_first"));
    await screen.findByText("running");
    expect(mock.sent("auth")[0]?.data?.token).toBe("dk_test_first");
    // Signed out: that session ends, and the next must not authenticate as the earlier user.
    const first = seen.client;
    rerender(signedIn(queryClient, undefined));
    await waitFor(() => expect(first?.state).toBe("closed"));
    await waitFor(() => expect(seen.client?.state).toBe("connecting"));
    expect(seen.client).not.toBe(first);
    expect(mock.sent("auth")).toHaveLength(1);
    rerender(signedIn(queryClient, "dk_test_second"));
    await waitFor(() => expect(mock.sent("auth")).toHaveLength(2));
    expect(mock.sent("auth")[1]?.data?.token).toBe("dk_test_second");
  });

  it("creates one client lazily, survives StrictMode with one socket, and closes it on unmount", async () => {
    mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
    const queryClient = new QueryClient();
    const { unmount } = render(
      <StrictMode>
        <DispatchProvider url={URL} token={async () => "dk_test_async"} queryClient={queryClient}>
          <Probe />
        </DispatchProvider>
      </StrictMode>,
    );
    await screen.findByText("running");
    const auth = mock.sent("auth");
    expect(auth).toHaveLength(1);
    expect(auth[0]?.data?.token).toBe("dk_test_async");
    expect(mock.sent("subscribe")).toHaveLength(1);
    const client = seen.client as Dispatch;
    expect(client.state).toBe("open");
    unmount();
    await waitFor(() => expect(client.state).toBe("closed"));
  });

  it("uses the surrounding QueryClientProvider, or the queryClient prop", () => {
    const outer = new QueryClient();
    const given = new QueryClient();
    render(
      <QueryClientProvider client={outer}>
        <DispatchProvider url={URL} token="dk_test_x">
          <Probe />
        </DispatchProvider>
      </QueryClientProvider>,
    );
    expect(seen.queryClient).toBe(outer);
    cleanup();
    render(
      <QueryClientProvider client={outer}>
        <DispatchProvider url={URL} token="dk_test_x" queryClient={given}>
          <Probe />
        </DispatchProvider>
      </QueryClientProvider>,
    );
    expect(seen.queryClient).toBe(given);
  });

  it("keeps one QueryClient of its own when the queryClient prop goes away", async () => {
    mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
    const caches = new Set<QueryClient>();
    const app = (queryClient: QueryClient | undefined) => (
      <DispatchProvider
        url={URL}
        token="dk_test_x"
        options={{ heartbeatInterval: 0 }}
        {...(queryClient && { queryClient })}
      >
        <Probe />
      </DispatchProvider>
    );
    const { rerender } = render(app(new QueryClient()));
    await screen.findByText("running");
    // Say, `queryClient={session?.cache}` while the session reloads.
    rerender(app(undefined));
    if (seen.queryClient) caches.add(seen.queryClient);
    rerender(app(undefined));
    if (seen.queryClient) caches.add(seen.queryClient);
    // A new cache per render would strand the mounted queries' live updates.
    expect(caches.size).toBe(1);
    mock.emit(jobEvent("job.completed", ID, new Date()));
    await screen.findByText("completed");
  });

  it("never closes a client it was given", async () => {
    mock.handle("job.get", () => wireJob({ id: ID }));
    const { Dispatch } = await import("@dispatch/client");
    const client = new Dispatch({ url: URL, token: "dk_test_given", heartbeatInterval: 0 });
    const { unmount } = render(
      <DispatchProvider client={client}>
        <Probe />
      </DispatchProvider>,
    );
    await screen.findByText("pending");
    expect(seen.client).toBe(client);
    // Fake timers from here: a close put off to a timer would run too.
    vi.useFakeTimers();
    try {
      unmount();
      await vi.runAllTimersAsync();
    } finally {
      vi.useRealTimers();
    }
    expect(client.state).toBe("open");
    client.close();
  });

  it("takes undefined props and hook options as their defaults (exactOptionalPropertyTypes)", async () => {
    // What an app passes from its environment or its own optional props.
    const env: Record<string, string | undefined> = {};
    mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
    render(
      <DispatchProvider
        url={env.DISPATCH_URL ?? URL}
        token="dk_test_env"
        format={undefined}
        client={undefined}
        queryClient={undefined}
        options={{ heartbeatInterval: undefined, timeout: undefined, logger: undefined }}
      >
        <Defaults />
      </DispatchProvider>,
    );
    await screen.findByText("running live");
    expect(mock.sent("auth")[0]?.data).toMatchObject({ token: "dk_test_env", format: "json" });
  });

  it("explains a missing provider", () => {
    expect(() => render(<Lonely />)).toThrow(/DispatchProvider/);
    // One base class for every error the SDK throws.
    expect(() => render(<Lonely />)).toThrow(DispatchError);
  });
});
