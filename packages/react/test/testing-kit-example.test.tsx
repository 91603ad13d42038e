// The example from the "Testing" section of packages/client/README.md, kept
// as a real test so the documentation cannot rot. Keep the two in sync.
import { createMockDispatch, jobEvent, wireJob } from "@dispatch/client/testing";
import { cleanup, render, screen } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { DispatchProvider, useJob } from "../src/index.js"; // in your app: "@dispatch/react"

const mock = createMockDispatch({ url: "ws://localhost:7790/dwp" });
beforeAll(() => mock.listen());
afterEach(() => {
  cleanup(); // unmounts the provider, which closes its client
  mock.reset();
});
afterAll(() => mock.close());

function JobStatus({ id }: { id: string }) {
  const { data: job, isLive } = useJob<{ to: string }>(id);
  if (!job) return <p>loading</p>;
  return <p>{`${job.payload.to}: ${job.state}${isLive ? " (live)" : ""}`}</p>;
}

it("shows a job going from pending to completed, live", async () => {
  const id = "job_01h455vb4pex5vsknk084sn02q";
  mock.handle("job.get", ({ job_id }) =>
    wireJob({ id: job_id, state: "pending", payload: { to: "ada@example.com" } }),
  );
  render(
    <DispatchProvider url={mock.url} token="dk_test_example" options={{ WebSocket: mock.WebSocket }}>
      <JobStatus id={id} />
    </DispatchProvider>,
  );
  await screen.findByText("ada@example.com: pending (live)");

  mock.emit(jobEvent("job.started", id));
  await screen.findByText("ada@example.com: running (live)");

  mock.emit(jobEvent("job.completed", id));
  await screen.findByText(/^ada@example\.com: completed/);
  expect(mock.sent("subscribe", `job:${id}`)).toHaveLength(1);
});
