// What the README promises about reads: a finished job is final (never read
// again on mount), and a failed read is retried only when it may succeed.
import { jobEvent, MockError, wireJob } from "@dispatch/client/testing";
import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { DispatchProvider, dispatchKeys, useJob } from "../src/index.js";
import { mockServerForFile, setup } from "./setup-client.js";

const URL = "ws://127.0.0.1:7812/dwp";
const ID = "job_01h455vb4pex5vsknk084sn02q";
const mock = mockServerForFile({ url: URL });
let env: ReturnType<typeof setup> | undefined;
afterEach(() => env?.dispose());

function JobState() {
  const { data, error } = useJob(ID);
  return <p>{error ? `error ${String((error as { code?: unknown }).code)}` : (data?.state ?? "loading")}</p>;
}

function mount(current: ReturnType<typeof setup>) {
  return render(
    <DispatchProvider client={current.client} queryClient={current.queryClient}>
      <JobState />
    </DispatchProvider>,
  );
}

describe("reads", () => {
  it("reads a finished job once: a remount shows it from the cache", async () => {
    env = setup({ url: URL });
    mock.handle("job.get", () => wireJob({ id: ID, state: "completed" }));
    const first = mount(env);
    await screen.findByText("completed");
    first.unmount();
    mount(env);
    await screen.findByText("completed");
    expect(mock.sent("job.get")).toHaveLength(1);
  });

  it("reads an unfinished job again on a remount", async () => {
    env = setup({ url: URL });
    mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
    const first = mount(env);
    await screen.findByText("running");
    first.unmount();
    mount(env);
    await waitFor(() => expect(mock.sent("job.get")).toHaveLength(2));
  });

  it("reads a cached unfinished job on mount even when the app turned refetchOnMount off", async () => {
    env = setup({ url: URL });
    // A common global default; the job's subscription ended with the last
    // view, and the job completed unheard since.
    const { queries } = env.queryClient.getDefaultOptions();
    env.queryClient.setDefaultOptions({ queries: { ...queries, refetchOnMount: false } });
    env.queryClient.setQueryData(dispatchKeys.job(ID), wireJob({ id: ID, state: "running" }));
    mock.handle("job.get", () => wireJob({ id: ID, state: "completed" }));
    mount(env);
    await screen.findByText("completed");
  });

  it("does not retry a 404: the job stays missing", async () => {
    env = setup({ url: URL });
    mock.handle("job.get", () => new MockError(404, "job not found: dispatch: job not found"));
    mount(env);
    await screen.findByText("error 404");
    expect(mock.sent("job.get")).toHaveLength(1);
  });

  it("retries a 500, which may succeed next time", async () => {
    env = setup({ url: URL });
    let reads = 0;
    mock.handle("job.get", () =>
      ++reads === 1 ? new MockError(500, "database is restarting") : wireJob({ id: ID, state: "pending" }),
    );
    mount(env);
    // TanStack's first retry waits a second.
    await screen.findByText("pending", undefined, { timeout: 3000 });
    expect(reads).toBe(2);
    mock.emit(jobEvent("job.started", ID));
    await screen.findByText("running");
  });
});
