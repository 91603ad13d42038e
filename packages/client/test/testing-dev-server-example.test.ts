// The example from the "Integration tests" section of
// packages/dev-server/README.md, kept as a real test. Keep the two in sync.
import { Dispatch, type GapEvent } from "@dispatch/client";
import { createDevServer } from "@dispatch/dev-server";
import { expect, it } from "vitest";
import WebSocket from "ws"; // Node 20 has no global WebSocket

it("sends the email, and recovers from a dropped connection", async () => {
  const sent: unknown[] = [];
  await using server = await createDevServer({
    tokens: { dk_test_ci: { scopes: ["*"] } },
    jobs: {
      "send-email": async ({ payload }) => {
        sent.push(payload);
      },
    },
  });
  await using client = new Dispatch({ url: server.url, token: "dk_test_ci", WebSocket });

  const { job_id } = await client.enqueue("send-email", { to: "ada@example.com" });
  const job = await client.waitForJob(job_id, { timeout: 5_000 });
  expect(job).toMatchObject({ state: "completed", payload: { to: "ada@example.com" } });
  expect(sent).toEqual([{ to: "ada@example.com" }]);

  // A dropped connection: the client reconnects and reports the gap to re-read after.
  const sub = client.subscribe("jobs");
  await sub.ready;
  const gap = new Promise<GapEvent>((resolve) => client.onGap(resolve));
  server.dropConnections();
  expect(await gap).toEqual({ channels: ["jobs"], reason: "reconnect" });
});
