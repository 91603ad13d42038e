import { Dispatch } from "@dispatch/client";
import {
  createMockDispatch,
  type JobInput,
  jobEvent,
  MockError,
  type WireJob,
  wireJob,
} from "@dispatch/client/testing";
import type { QueryClient } from "@tanstack/react-query";
import { act, cleanup, render, renderHook, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DispatchProvider, dispatchKeys, useCancelJob, useEnqueue, useJob } from "../src/index.js";
import { held, MOCK_URL, setup, TOKEN } from "./setup-client.js";

const mock = createMockDispatch({ url: MOCK_URL });
/** The job these tests read: an email, created a minute ago. */
const emailJob = (id: string, overrides: Partial<JobInput> = {}) => {
  const minuteAgo = new Date(Date.now() - 60_000).toISOString();
  return wireJob({
    id,
    name: "send-email",
    payload: { to: "ada@example.com" },
    created_at: minuteAgo,
    updated_at: minuteAgo,
    run_at: minuteAgo,
    ...overrides,
  });
};
const ID = "job_01h455vb4pex5vsknk084sn02q";
const ID2 = "job_01h455vb4pex5vsknk084sn02r";
let env: ReturnType<typeof setup>;

beforeAll(() => mock.listen());
afterEach(() => {
  cleanup();
  env?.dispose();
  mock.reset();
});
afterAll(() => mock.close());

const at = (ms: number): Date => new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + ms);

function JobView() {
  const { data, isLive } = useJob(ID);
  return <p>{`${data?.state ?? "none"} ${isLive ? "live" : "off"}`}</p>;
}

function JobApp({ client, queryClient }: { client: Dispatch; queryClient: QueryClient }) {
  return (
    <DispatchProvider client={client} queryClient={queryClient}>
      <JobView />
    </DispatchProvider>
  );
}

describe("useJob against scripted frames", () => {
  it("subscribes before it reads, and applies events that beat the read", async () => {
    env = setup();
    const gate = held<WireJob>();
    mock.handle("job.get", () => gate.promise);
    const onEvent = vi.fn();
    const { result } = renderHook(() => useJob(ID, { onEvent }), { wrapper: env.wrapper });
    await waitFor(() => expect(mock.sent("job.get")).toHaveLength(1));
    const order = mock.frames.filter((f) => f.method === "subscribe" || f.method === "job.get");
    expect(order.map((f) => f.method)).toEqual(["subscribe", "job.get"]);

    mock.emit(jobEvent("job.started", ID, at(10)));
    await waitFor(() => expect(onEvent).toHaveBeenCalledOnce());
    expect(result.current.data).toBeUndefined();
    // The read was answered before the job started: it is behind the event.
    gate.release(emailJob(ID, { state: "pending", updated_at: at(0).toISOString() }));
    await waitFor(() => expect(result.current.data?.state).toBe("running"));
    expect(result.current.data?.payload).toEqual({ to: "ada@example.com" });
    expect(result.current.events.map((e) => e.type)).toEqual(["job.started"]);
  });

  it("drops duplicates, survives reordering and late events, and releases the finished job", async () => {
    env = setup();
    mock.handle("job.get", () => emailJob(ID, { state: "pending", updated_at: at(0).toISOString() }));
    const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.isLive).toBe(true));
    expect(result.current.data?.state).toBe("pending");

    mock.emit(jobEvent("job.started", ID, at(10)));
    mock.emit(jobEvent("job.retrying", ID, at(20), { attempt: 1, next_run_at: at(500).toISOString() }));
    await waitFor(() => expect(result.current.data?.state).toBe("retrying"));
    expect(result.current.data?.retry_count).toBe(1);
    expect(result.current.data?.run_at).toBe(at(500).toISOString());

    mock.emit(jobEvent("job.started", ID, at(10))); // duplicate of the first attempt's start
    mock.emit(jobEvent("job.completed", ID, at(40))); // overtakes the second start
    mock.emit(jobEvent("job.started", ID, at(30))); // late
    mock.emit(jobEvent("job.retrying", ID, at(20), { attempt: 1 })); // duplicate
    await waitFor(() => expect(result.current.data?.state).toBe("completed"));
    await waitFor(() => expect(result.current.events).toHaveLength(4));
    expect(result.current.events.map((e) => e.type)).toEqual([
      "job.started",
      "job.retrying",
      "job.completed",
      "job.started",
    ]);
    expect(result.current.data).toMatchObject({ state: "completed", retry_count: 1 });
    // stopOnTerminal: the subscription goes once the linger is over.
    await waitFor(() => expect(mock.sent("unsubscribe", `job:${ID}`)).toHaveLength(1), { timeout: 4000 });
    expect(result.current.data?.state).toBe("completed");
    expect(result.current.isLive).toBe(false);
  });

  it("re-reads a job that retries, for the last_error its events do not carry", async () => {
    env = setup();
    let reads = 0;
    mock.handle("job.get", () => {
      reads++;
      return reads === 1
        ? emailJob(ID, {
            state: "running",
            started_at: at(10).toISOString(),
            updated_at: at(10).toISOString(),
          })
        : emailJob(ID, {
            state: "retrying",
            retry_count: 1,
            last_error: "smtp down",
            updated_at: at(20).toISOString(),
          });
    });
    const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.isLive).toBe(true));
    mock.emit(jobEvent("job.retrying", ID, at(20), { attempt: 1, next_run_at: at(500).toISOString() }));
    await waitFor(() => expect(result.current.data?.last_error).toBe("smtp down"));
    expect(reads).toBe(2);
  });

  it("refetches after a reconnect and converges on the server's state", async () => {
    env = setup();
    let state = "running";
    mock.handle("job.get", () =>
      emailJob(ID, { state: state as "running", started_at: at(10).toISOString() }),
    );
    const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.data?.state).toBe("running"));
    await waitFor(() => expect(result.current.isLive).toBe(true));

    // The job completes while the connection is down: its event is lost.
    state = "completed";
    mock.drop();
    await waitFor(() => expect(result.current.data?.state).toBe("completed"), { timeout: 4000 });
    expect(mock.sent("job.get")).toHaveLength(2);
    // Subscribed again on the new session before the re-read.
    const afterDrop = mock.frames.filter((f) => f.method === "subscribe" || f.method === "job.get").slice(2);
    expect(afterDrop.map((f) => f.method)).toEqual(["subscribe", "job.get"]);
  });

  it("turns a 404 into a query error, with no retries and no lingering subscription", async () => {
    env = setup();
    mock.handle("job.get", () => new MockError(404, "job not found"));
    const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toMatchObject({ code: 404 });
    expect(mock.sent("job.get")).toHaveLength(1);
    await waitFor(() => expect(mock.sent("unsubscribe", `job:${ID}`)).toHaveLength(1), { timeout: 4000 });
  });

  it("sends one subscribe under StrictMode's double mount", async () => {
    env = setup({ strict: true });
    mock.handle("job.get", () => emailJob(ID));
    const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.isLive).toBe(true));
    expect(mock.sent("subscribe", `job:${ID}`)).toHaveLength(1);
    expect(mock.sent("unsubscribe")).toHaveLength(0);
  });

  it("subscribes to nothing when disabled, and leaves the old id when the id changes", async () => {
    env = setup();
    mock.handle("job.get", ({ job_id }) => emailJob(job_id));
    const { result, rerender } = renderHook(
      ({ id, enabled }: { id: string; enabled: boolean }) => useJob(id, { enabled }),
      { wrapper: env.wrapper, initialProps: { id: ID, enabled: false } },
    );
    expect(result.current.fetchStatus).toBe("idle");
    expect(env.client.state).toBe("idle"); // not even connected
    rerender({ id: ID, enabled: true });
    await waitFor(() => expect(result.current.isLive).toBe(true));
    rerender({ id: ID2, enabled: true });
    await waitFor(() => expect(result.current.data?.id).toBe(ID2));
    await waitFor(() => expect(mock.sent("unsubscribe", `job:${ID}`)).toHaveLength(1), { timeout: 4000 });
    expect(mock.sent("unsubscribe", `job:${ID2}`)).toHaveLength(0);
  });

  it("renders a freshly enqueued job as pending from the seed", async () => {
    env = setup();
    mock.handle("job.enqueue", () => ({ job_id: ID, queue: "default", state: "pending" }));
    const never = held<WireJob>();
    mock.handle("job.get", () => never.promise);
    const { result } = renderHook(
      () => {
        const enqueue = useEnqueue();
        const [id, setId] = useState<string>();
        return { enqueue, setId, job: useJob(id) };
      },
      { wrapper: env.wrapper },
    );
    await act(async () => {
      const { job_id } = await result.current.enqueue.mutateAsync({
        name: "send-email",
        payload: { to: "a" },
      });
      result.current.setId(job_id);
    });
    // No answer to job.get yet: the state comes from the seed.
    expect(result.current.job.data).toMatchObject({ id: ID, state: "pending", payload: { to: "a" } });
    expect(result.current.job.isPending).toBe(false);
    expect(env.queryClient.getQueryData(dispatchKeys.job(ID))).toBe(result.current.job.data);
  });

  it("shows a cancel at once (the server publishes no event for it) and reads the job again", async () => {
    env = setup();
    let state: "running" | "cancelled" | "completed" = "running";
    mock.handle("job.get", () => emailJob(ID, { state, started_at: at(10).toISOString() }));
    mock.handle("job.cancel", () => {
      state = "cancelled";
      return { status: "cancelled" };
    });
    const { result } = renderHook(() => ({ job: useJob(ID), cancel: useCancelJob() }), {
      wrapper: env.wrapper,
    });
    await waitFor(() => expect(result.current.job.data?.state).toBe("running"));
    await act(() => result.current.cancel.mutateAsync(ID));
    await waitFor(() => expect(result.current.job.data?.state).toBe("cancelled"));
    await waitFor(() => expect(mock.sent("job.get")).toHaveLength(2));
    expect(result.current.job.data?.state).toBe("cancelled");
    // The Go executor writes a running job's outcome over the cancel, and
    // publishes it: the hook keeps listening for that.
    expect(result.current.job.isLive).toBe(true);
    state = "completed";
    mock.emit(jobEvent("job.completed", ID, new Date(Date.now() + 1000)));
    await waitFor(() => expect(result.current.job.data?.state).toBe("completed"));
  });

  it("reads the job again when the provider switches to another client", async () => {
    env = setup();
    let state: "running" | "completed" = "running";
    mock.handle("job.get", () => emailJob(ID, { state, started_at: at(10).toISOString() }));
    const other = new Dispatch({ url: MOCK_URL, token: TOKEN, heartbeatInterval: 0 });
    const { rerender } = render(<JobApp client={env.client} queryClient={env.queryClient} />);
    await screen.findByText("running live");
    // The job completes while the view moves to a new client (say, a new url):
    // its event reaches neither subscription, and the new client reports no gap.
    state = "completed";
    rerender(<JobApp client={other} queryClient={env.queryClient} />);
    // Finished, so useJob lets the subscription go: "off".
    await screen.findByText("completed off");
    expect(mock.sent("job.get")).toHaveLength(2);
    other.close();
  });

  it("reads a job once when the provider switches client under two views of it", async () => {
    env = setup();
    mock.handle("job.get", () => emailJob(ID, { state: "running", started_at: at(10).toISOString() }));
    const other = new Dispatch({ url: MOCK_URL, token: TOKEN, heartbeatInterval: 0 });
    const app = (client: Dispatch) => (
      <DispatchProvider client={client} queryClient={env.queryClient}>
        <JobView />
        <JobView />
      </DispatchProvider>
    );
    const { rerender } = render(app(env.client));
    await waitFor(() => expect(screen.getAllByText("running live")).toHaveLength(2));
    expect(mock.sent("job.get")).toHaveLength(1);
    rerender(app(other));
    expect(screen.getAllByText("running off")).toHaveLength(2);
    // Live on the new client: its re-read has gone out.
    await waitFor(() => expect(screen.getAllByText("running live")).toHaveLength(2));
    // A read of our own: any the views sent went out before it.
    await other.getJob(ID);
    expect(mock.sent("job.get")).toHaveLength(3);
    other.close();
  });

  it("reads a cached cancelled job again on mount: its outcome may have landed unheard", async () => {
    env = setup();
    // Cached (or hydrated) while cancelled; the executor then completed it with nobody subscribed.
    env.queryClient.setQueryData(dispatchKeys.job(ID), emailJob(ID, { state: "cancelled" }));
    mock.handle("job.get", () => emailJob(ID, { state: "completed", completed_at: at(50).toISOString() }));
    const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
    expect(result.current.data?.state).toBe("cancelled");
    await waitFor(() => expect(result.current.data?.state).toBe("completed"));
    expect(mock.sent("job.get")).toHaveLength(1);
  });
});
