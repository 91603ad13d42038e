import type { Format } from "@dispatch/client";
import {
  jobEvent,
  type WireJob,
  type WireRun,
  wireJob,
  wireRun,
  workflowEvent,
} from "@dispatch/client/testing";
import { QueryClient } from "@tanstack/react-query";
import { render, renderHook, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DispatchProvider, useJob, useWorkflowRun } from "../src/index.js";
import { held, mockServerForFile, setup } from "./setup-client.js";

const URL = "ws://127.0.0.1:7808/dwp";
const RUN = "wfrun_01h455vb4pex5vsknk084sn02q";
const JOB = "job_01h455vb4pex5vsknk084sn02q";
let env: ReturnType<typeof setup> | undefined;
const mock = mockServerForFile({ url: URL }, () => {
  env?.dispose();
  env = undefined;
});
const at = (ms: number): string => new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + ms).toISOString();

describe("an event that arrives while the first read is in flight", () => {
  it("makes a run that finished meanwhile read again for its output and final steps", async () => {
    env = setup({ url: URL });
    const first = held<WireRun>();
    let reads = 0;
    let finished = false;
    mock.handle("workflow.get", () =>
      ++reads === 1
        ? first.promise
        : wireRun({ id: RUN, state: "completed", completed_at: at(90), output: { shipped: true } }),
    );
    mock.handle("workflow.timeline", () => [
      { step_name: "validate", created_at: at(10) },
      ...(finished ? [{ step_name: "wait:payment", created_at: at(80) }] : []),
    ]);
    const { result } = renderHook(() => useWorkflowRun(RUN), { wrapper: env.wrapper });
    await waitFor(() => expect(reads).toBe(1));
    finished = true;
    mock.emit(workflowEvent("workflow.completed", RUN, new Date(at(90))));
    await waitFor(() => expect(result.current.events).toHaveLength(1));
    // The read sent before the completion answers only now. The re-read the
    // completion asks for must not fold into it: a finished run is never read again.
    first.release(wireRun({ id: RUN, state: "running", started_at: at(0) }));
    await waitFor(() => expect(result.current.run?.output).toEqual({ shipped: true }));
    expect(result.current.run?.state).toBe("completed");
    expect(result.current.steps.map((s) => s.name)).toEqual(["validate", "wait:payment"]);
  });

  it("makes a job that retried meanwhile read again for its last_error", async () => {
    env = setup({ url: URL });
    const first = held<WireJob>();
    let reads = 0;
    mock.handle("job.get", () =>
      ++reads === 1
        ? first.promise
        : wireJob({
            id: JOB,
            state: "retrying",
            retry_count: 1,
            last_error: "smtp down",
            updated_at: at(20),
          }),
    );
    const { result } = renderHook(() => useJob(JOB), { wrapper: env.wrapper });
    await waitFor(() => expect(reads).toBe(1));
    mock.emit(jobEvent("job.retrying", JOB, new Date(at(20)), { attempt: 1, next_run_at: at(500) }));
    await waitFor(() => expect(result.current.events).toHaveLength(1));
    first.release(wireJob({ id: JOB, state: "running", started_at: at(10), updated_at: at(0) }));
    await waitFor(() => expect(result.current.data?.last_error).toBe("smtp down"));
    expect(result.current.data?.state).toBe("retrying");
  });
});

const history: string[] = [];
function JobView() {
  const { data, error } = useJob(JOB);
  const text = error ? `error: ${error.message}` : (data?.state ?? "loading");
  if (history.at(-1) !== text) history.push(text);
  return <p>{text}</p>;
}
const app = (queryClient: QueryClient, format: Format) => (
  <DispatchProvider
    url={URL}
    format={format}
    token="dk_test_x"
    queryClient={queryClient}
    options={{ heartbeatInterval: 0 }}
  >
    <JobView />
  </DispatchProvider>
);

describe("a read cut off by the provider replacing its client", () => {
  it("is retried on the new client instead of showing 'client closed'", async () => {
    const slow = held<WireJob>();
    let reads = 0;
    mock.handle("job.get", () => (++reads === 1 ? slow.promise : wireJob({ id: JOB, state: "running" })));
    const queryClient = new QueryClient();
    const { rerender } = render(app(queryClient, "json"));
    await waitFor(() => expect(mock.sent("job.get")).toHaveLength(1));
    // A new format means a new client; closing the old one rejects the read in flight.
    rerender(app(queryClient, "msgpack"));
    await screen.findByText("running");
    expect(history).toEqual(["loading", "running"]);
  });
});

describe("events that arrive during the re-read an earlier one asked for", () => {
  it("read the job once more, so a job that failed for good shows its final count", async () => {
    env = setup({ url: URL });
    const answers = [held<WireJob>(), held<WireJob>()];
    let reads = 0;
    mock.handle("job.get", () => {
      const answer = answers[reads++];
      return answer
        ? answer.promise
        : wireJob({ id: JOB, state: "failed", retry_count: 2, last_error: "boom" });
    });
    const { result } = renderHook(() => useJob(JOB), { wrapper: env.wrapper });
    await waitFor(() => expect(reads).toBe(1));
    mock.emit(jobEvent("job.retrying", JOB, new Date(at(20)), { attempt: 1, next_run_at: at(30) }));
    await waitFor(() => expect(result.current.events).toHaveLength(1));
    answers[0]?.release(wireJob({ id: JOB, state: "running", started_at: at(10), updated_at: at(10) }));
    await waitFor(() => expect(reads).toBe(2));
    // The retry ran and failed for good while the re-read was on its way.
    mock.emit(jobEvent("job.failed", JOB, new Date(at(40)), { error: "boom" }));
    await waitFor(() => expect(result.current.events).toHaveLength(2));
    answers[1]?.release(wireJob({ id: JOB, state: "retrying", retry_count: 1, updated_at: at(20) }));
    await waitFor(() => expect(result.current.data?.state).toBe("failed"));
    expect(result.current.data).toMatchObject({ retry_count: 2, last_error: "boom" });
  });
});
