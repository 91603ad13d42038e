import type { Dispatch } from "@dispatch/client";
import { jobEvent, wireJob } from "@dispatch/client/testing";
import { QueryClient } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import { expect, it, vi } from "vitest";
import type { EventLog } from "../src/event-log.js";
import {
  DispatchProvider,
  dispatchKeys,
  useChannel,
  useConnectionState,
  useDispatch,
  useJob,
} from "../src/index.js";
import { mockServerForFile } from "./setup-client.js";

const URL = "ws://127.0.0.1:7816/dwp";
const mock = mockServerForFile({ url: URL, tokens: { dk_test_alice: ["*"], dk_test_bob: ["*"] } });
const A = "job_01h455vb4pex5vsknk084sn02q";
const B = "job_01h455vb4pex5vsknk084sn02r";

function View({ id }: { id: string }) {
  const { data } = useJob(id);
  return <p>{`${id.slice(-1)}:${data?.state ?? "none"}`}</p>;
}

function app(queryClient: QueryClient, token: string | undefined, ids: string[]) {
  return (
    <DispatchProvider url={URL} token={token} queryClient={queryClient} options={{ heartbeatInterval: 0 }}>
      {ids.map((id) => (
        <View key={id} id={id} />
      ))}
    </DispatchProvider>
  );
}

it("signing out ends the session: no read goes over it, the last user's data goes, and the next user authenticates", async () => {
  mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, state: "running" }));
  const queryClient = new QueryClient();
  const { rerender } = render(app(queryClient, "dk_test_alice", [A]));
  await screen.findByText("q:running");
  expect(mock.connections).toBe(1);

  rerender(app(queryClient, undefined, [A, B]));
  await waitFor(() => expect(mock.connections).toBe(0));
  expect(screen.getByText("q:none")).toBeDefined();
  expect(screen.getByText("r:none")).toBeDefined();
  expect(mock.sent("job.get").map((f) => f.data?.job_id)).toEqual([A]);

  rerender(app(queryClient, "dk_test_bob", [A, B]));
  await screen.findByText("r:running");
  await screen.findByText("q:running");
  expect(mock.sent("auth").map((f) => f.data?.token)).toEqual(["dk_test_alice", "dk_test_bob"]);
});

let client: Dispatch | undefined;
function Probe() {
  client = useDispatch();
  useChannel("jobs");
  return <p>{useConnectionState().state}</p>;
}

function waitingApp(queryClient: QueryClient, token: (() => Promise<string>) | undefined) {
  return (
    <DispatchProvider
      url={URL}
      token={token}
      queryClient={queryClient}
      options={{ heartbeatInterval: 0, timeout: 20, minReconnectDelay: 1, maxReconnectDelay: 2 }}
    >
      <Probe />
    </DispatchProvider>
  );
}

it("asks a token function once at sign-in, however many connects timed out while signed out", async () => {
  const queryClient = new QueryClient();
  const { rerender } = render(waitingApp(queryClient, undefined));
  await waitFor(() => expect(client).toBeDefined());
  let failures = 0;
  const off = client?.onStateChange((_state, status) => {
    if (status.error?.message.includes("token")) failures++;
  });
  await waitFor(() => expect(failures).toBeGreaterThanOrEqual(5), { timeout: 4000 });
  off?.();
  let calls = 0;
  rerender(
    waitingApp(queryClient, async () => {
      calls++;
      return "dk_test_bob";
    }),
  );
  await screen.findByText("open");
  expect(calls).toBe(1);
});

it("signs in after staying signed out long enough for the waiting client to give up", async () => {
  const queryClient = new QueryClient();
  const view = (token: string | undefined) => (
    <DispatchProvider
      url={URL}
      token={token}
      queryClient={queryClient}
      options={{
        heartbeatInterval: 0,
        timeout: 20,
        maxRetries: 3,
        minReconnectDelay: 1,
        maxReconnectDelay: 2,
      }}
    >
      <Probe />
    </DispatchProvider>
  );
  const { rerender } = render(view("dk_test_alice"));
  await screen.findByText("open");
  rerender(view(undefined));
  // Each connect times out waiting for a token, and counts as a failed attempt.
  await waitFor(() => expect(client?.state).toBe("closed"), { timeout: 4000 });
  rerender(view("dk_test_bob"));
  await screen.findByText("open");
  expect(mock.sent("auth").map((f) => f.data?.token)).toEqual(["dk_test_alice", "dk_test_bob"]);
});

let heard = 0;
function Feed() {
  const { events, isLive } = useChannel("jobs", { onEvent: () => heard++ });
  const job = useJob(A, { onEvent: () => heard++ });
  return <p>{`${isLive && job.isLive ? "live" : "off"} ${events.length}`}</p>;
}

it("the last user's events still waiting for a frame never reach the next user's channel buffer", async () => {
  mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, state: "running" }));
  // Frames run only when the test says, so the sign-out lands while a batch waits.
  let frames: FrameRequestCallback[] = [];
  vi.stubGlobal("requestAnimationFrame", (callback: FrameRequestCallback) => frames.push(callback));
  vi.stubGlobal("cancelAnimationFrame", () => {});
  const tick = () => {
    const run = frames;
    frames = [];
    for (const callback of run) callback(performance.now());
  };
  try {
    heard = 0;
    const queryClient = new QueryClient();
    const view = (token: string | undefined) => (
      <DispatchProvider url={URL} token={token} queryClient={queryClient} options={{ heartbeatInterval: 0 }}>
        <Feed />
      </DispatchProvider>
    );
    const { rerender } = render(view("dk_test_alice"));
    await screen.findByText("live 0");
    mock.emit(jobEvent("job.started", A, new Date(1_700_000_000_000)));
    // Both subscriptions have it, neither has written it yet.
    await waitFor(() => expect(heard).toBe(2));

    rerender(view(undefined));
    await waitFor(() => expect(mock.connections).toBe(0));
    tick();
    // Alice's event went with her session, for the channel and for the job alike.
    expect(queryClient.getQueryData<EventLog>(dispatchKeys.channel("jobs"))?.events ?? []).toEqual([]);
    expect(queryClient.getQueryData<EventLog>(dispatchKeys.jobEvents(A))?.events ?? []).toEqual([]);
    expect(screen.getByText("off 0")).toBeDefined();
  } finally {
    vi.unstubAllGlobals();
  }
});
