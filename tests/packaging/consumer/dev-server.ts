// README of @dispatch/dev-server.
import { createDevServer, type DevServer, type JobHandler } from "@dispatch/dev-server";

const sendEmail: JobHandler = async ({ payload, attempt, signal }) => {
  console.log(payload, attempt, signal.aborted);
};

export async function dev(): Promise<void> {
  const server = await createDevServer({
    tokens: { dk_test_local: { scopes: ["*"] } },
    jobs: { "send-email": sendEmail },
    workflows: {
      checkout: async (wf, input) => {
        console.log(input);
        await wf.step("charge", () => ({ ok: true }));
        await wf.sleep("cool-down", 1_000);
        const paid = await wf.waitForEvent("paid", 30_000);
        await wf.runChild("send-receipt", { paid: paid !== null });
      },
      "send-receipt": async (wf) => {
        await wf.step("email", () => undefined);
      },
    },
  });
  console.log(server.url, server.httpUrl, server.port);
  const plain: DevServer = await createDevServer({ port: 0, queues: ["default"] });
  await plain.restart({ downMs: 100 });
  plain.dropConnections();
  plain.silence();
  plain.publish({
    type: "job.started",
    ts: new Date().toISOString(),
    topic: "job:job_1",
    data: { job_id: "job_1" },
  });
  await plain.close();
  await server.close();
}
