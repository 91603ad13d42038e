// Events that carry less than a read (a retry, an outcome) make the job be
// read again, but only when they moved it: an event the cache (or the read)
// already reflects, or one of a type this package does not know, costs no read.
import type { JobEvent } from "@dispatch/client";
import { jobEvent, type WireJob, wireJob } from "@dispatch/client/testing";
import { act, renderHook, waitFor } from "@testing-library/react";
import { afterEach, expect, it, vi } from "vitest";
import { dispatchKeys, useJob } from "../src/index.js";
import { held, mockServerForFile, setup } from "./setup-client.js";

const URL = "ws://127.0.0.1:7851/dwp";
const ID = "job_01h455vb4pex5vsknk084sn02q";
let env: ReturnType<typeof setup> | undefined;
const mock = mockServerForFile({ url: URL }, () => {
  env?.dispose();
  env = undefined;
});
afterEach(() => vi.unstubAllGlobals());
const at = (ms: number): Date => new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + ms);

/** A job event of a type a newer server might add. */
const progress = (ms: number): JobEvent => ({
  ...jobEvent("job.started", ID, at(ms)),
  type: "job.progress" as JobEvent["type"],
});

/** The reads the server got, counted after a read of our own: any the hook sent are in before it. */
async function readsBy(client: NonNullable<typeof env>["client"]): Promise<number> {
  await act(() => client.getJob(ID));
  return mock.sent("job.get").length - 1;
}

it("reads a live job no more for events of an unknown type", async () => {
  env = setup({ url: URL });
  mock.handle("job.get", () => wireJob({ id: ID, state: "running", started_at: at(0).toISOString() }));
  const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
  await waitFor(() => expect(result.current.isLive).toBe(true));
  mock.emit(progress(10));
  mock.emit(progress(20));
  await waitFor(() => expect(result.current.events).toHaveLength(2));
  expect(await readsBy(env.client)).toBe(1);
  expect(result.current.data?.state).toBe("running");
});

it("does not read again for an event of an unknown type that arrived during the first read", async () => {
  env = setup({ url: URL });
  const first = held<WireJob>();
  mock.handle("job.get", () => first.promise);
  const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
  await waitFor(() => expect(mock.sent("job.get")).toHaveLength(1));
  mock.emit(progress(10));
  await waitFor(() => expect(result.current.events).toHaveLength(1));
  first.release(wireJob({ id: ID, state: "running", started_at: at(0).toISOString() }));
  await waitFor(() => expect(result.current.data?.state).toBe("running"));
  mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
  expect(await readsBy(env.client)).toBe(1);
});

it("reads a failed job once, though job.dlq lands a frame after job.failed", async () => {
  let frames: FrameRequestCallback[] = [];
  vi.stubGlobal("requestAnimationFrame", (callback: FrameRequestCallback) => frames.push(callback));
  vi.stubGlobal("cancelAnimationFrame", () => {});
  const tick = (): void => {
    const run = frames;
    frames = [];
    for (const callback of run) callback(performance.now());
  };
  env = setup({ url: URL });
  let state: "running" | "failed" = "running";
  mock.handle("job.get", () => wireJob({ id: ID, state, started_at: at(0).toISOString() }));
  const onEvent = vi.fn();
  const { result } = renderHook(() => useJob(ID, { stopOnTerminal: false, onEvent }), {
    wrapper: env.wrapper,
  });
  await waitFor(() => expect(result.current.isLive).toBe(true));
  state = "failed";
  mock.emit(jobEvent("job.failed", ID, at(10), { error: "boom" }));
  await waitFor(() => expect(onEvent).toHaveBeenCalledTimes(1));
  act(tick);
  await waitFor(() => expect(result.current.data?.state).toBe("failed"));
  mock.emit(jobEvent("job.dlq", ID, at(11), { error: "boom" }));
  await waitFor(() => expect(onEvent).toHaveBeenCalledTimes(2));
  act(tick);
  expect(await readsBy(env.client)).toBe(2);
});

it("reads a job whose first read was cancelled when an outcome arrives", async () => {
  env = setup({ url: URL });
  const first = held<WireJob>();
  mock.handle("job.get", () => first.promise);
  const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
  await waitFor(() => expect(result.current.isLive).toBe(true));
  await act(() => env?.queryClient.cancelQueries({ queryKey: dispatchKeys.job(ID), exact: true }));
  // The mock answers one socket's requests in order: let the cancelled one go.
  mock.handle("job.get", () => wireJob({ id: ID, state: "completed", completed_at: at(10).toISOString() }));
  first.release(wireJob({ id: ID, state: "running" }));
  mock.emit(jobEvent("job.completed", ID, at(10)));
  await waitFor(() => expect(result.current.data?.state).toBe("completed"));
  expect(mock.sent("job.get")).toHaveLength(2);
});
