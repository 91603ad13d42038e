// README of @dispatch/client/testing, without React (expect is a stand-in for a test runner's).
import { Dispatch } from "@dispatch/client";
import {
  createMockDispatch,
  jobEvent,
  type Methods,
  type MockAnswer,
  MockError,
  type MockHandler,
  rawAnswer,
  type StreamEvent,
  wireJob,
  wireRun,
  wireStats,
  workflowEvent,
} from "@dispatch/client/testing";

declare function expect(value: unknown): {
  rejects: { toMatchObject(v: object): Promise<void> };
  resolves: { toEqual(v: unknown): Promise<void> };
  toHaveLength(n: number): void;
};

export async function testing(): Promise<void> {
  const mock = createMockDispatch({
    url: "ws://localhost:7790/dwp",
    tokens: { dk_test_ro: ["job:read", "subscribe"] },
  });
  mock.listen();
  const client = new Dispatch({ url: mock.url, token: "dk_test_1", WebSocket: mock.WebSocket });
  mock.handle("job.get", () => {
    throw new MockError(404, "job not found");
  });
  await expect(client.getJob("job_01h455vb4pex5vsknk084sn02q")).rejects.toMatchObject({ code: 404 });
  await client.subscribe("jobs").ready;
  const gap = new Promise((resolve) => client.onGap(resolve));
  mock.drop();
  await expect(gap).resolves.toEqual({ channels: ["jobs"], reason: "reconnect" });

  mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, state: "running" }));
  mock.handle("job.get", () => rawAnswer({ id: 42 }));
  mock.handle("workflow.get", ({ run_id }) => Promise.resolve(wireRun({ id: run_id })));
  mock.handle("stats", () => wireStats());
  const getJob: MockHandler<"job.get"> = ({ job_id }) => wireJob({ id: job_id });
  mock.handle("job.get", getJob);
  const answer: MockAnswer<"job.cancel"> = { status: "cancelled" };
  mock.handle("job.cancel", () => answer);
  // The types the README names, from this entry point alone.
  const started: StreamEvent = jobEvent("job.started", "job_1");
  const getParams: Methods["job.get"][0] = { job_id: "job_1" };
  console.log(getParams);
  mock.emit(started);
  mock.emit(workflowEvent("workflow.started", "run_1"));
  expect(mock.sent("subscribe", "jobs")).toHaveLength(1);
  const frame = await mock.nextFrame("job.get");
  console.log(frame, mock.frames.length, mock.connections, mock.credits, mock.dropped, mock.handlers.length);
  mock.exhaustCredits();
  mock.reset();
  client.close();
  mock.close();
}
