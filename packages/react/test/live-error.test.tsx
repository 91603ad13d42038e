import { MockError, wireJob, wireRun } from "@dispatch/client/testing";
import { renderHook, waitFor } from "@testing-library/react";
import { expect, it } from "vitest";
import { useJob, useWorkflowRun } from "../src/index.js";
import { mockServerForFile, setup } from "./setup-client.js";

const URL = "ws://127.0.0.1:7819/dwp";
const JOB = "job_01h455vb4pex5vsknk084sn02q";
const RUN = "wfrun_01h455vb4pex5vsknk084sn02q";
let env: ReturnType<typeof setup> | undefined;
const mock = mockServerForFile({ url: URL }, () => {
  env?.dispose();
  env = undefined;
});

// A token that may read but not subscribe, say: the read shows, and the hook says why it is not live.
const refuseSubscribe = () => mock.handle("subscribe", () => new MockError(403, "insufficient permissions"));

it("useJob shows the job and says why it is not live when the server refuses the subscription", async () => {
  refuseSubscribe();
  mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, state: "running" }));
  env = setup({ url: URL });
  const { result } = renderHook(() => useJob(JOB), { wrapper: env.wrapper });
  await waitFor(() => expect(result.current.liveError).toMatchObject({ code: 403 }));
  await waitFor(() => expect(result.current.data?.state).toBe("running"));
  expect(result.current.error).toBeNull();
  expect(result.current.isLive).toBe(false);
});

it("useWorkflowRun shows the run and says why it is not live when the server refuses the subscription", async () => {
  refuseSubscribe();
  mock.handle("workflow.get", ({ run_id }) => wireRun({ id: run_id, state: "running" }));
  mock.handle("workflow.timeline", () => []);
  env = setup({ url: URL });
  const { result } = renderHook(() => useWorkflowRun(RUN), { wrapper: env.wrapper });
  await waitFor(() => expect(result.current.liveError).toMatchObject({ code: 403 }));
  await waitFor(() => expect(result.current.run?.state).toBe("running"));
  expect(result.current.error).toBeNull();
  expect(result.current.isLive).toBe(false);
});
