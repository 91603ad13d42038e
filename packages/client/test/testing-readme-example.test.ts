// The "Without React" example of the testing kit in packages/client/README.md,
// kept as a real test. Keep the two in sync.
import { Dispatch } from "@dispatch/client";
import { createMockDispatch, MockError } from "@dispatch/client/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";

const mock = createMockDispatch({ url: "ws://localhost:7791/dwp" });
beforeAll(() => mock.listen());
afterEach(() => mock.reset());
afterAll(() => mock.close());

it("drives a Dispatch directly: an error answer, then a dropped connection and its gap", async () => {
  const client = new Dispatch({ url: mock.url, token: "dk_test_1", WebSocket: mock.WebSocket });
  mock.handle("job.get", () => {
    throw new MockError(404, "job not found"); // the client rejects with DispatchError code 404
  });
  await expect(client.getJob("job_01h455vb4pex5vsknk084sn02q")).rejects.toMatchObject({ code: 404 });

  await client.subscribe("jobs").ready; // gaps are reported for the channels subscribed
  const gap = new Promise((resolve) => client.onGap(resolve));
  mock.drop(); // abrupt (1006): the client reconnects, re-subscribes and reports a gap
  await expect(gap).resolves.toEqual({ channels: ["jobs"], reason: "reconnect" });
  client.close();
});
