import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Dispatch } from "../src/client.js";
import { createMockDispatch, wireJob } from "../src/testing/index.js";

// The documented alternative to mock.listen(): the mock's handlers in a
// setupServer of the test's own (here on Node 20, with no global WebSocket).
const mock = createMockDispatch({ url: "ws://127.0.0.1:7804/dwp" });
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => {
  server.close();
  mock.close();
});

it("serves a client through a setupServer of the test's own", async () => {
  mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, state: "running" }));
  const client = new Dispatch({ url: mock.url, token: "dk_test_own", WebSocket: mock.WebSocket });
  try {
    await expect(client.connect()).resolves.toMatch(/^mock-session-/);
    await expect(client.getJob("job_01h455vb4pex5vsknk084sn02q")).resolves.toMatchObject({
      state: "running",
    });
  } finally {
    client.close();
  }
});
