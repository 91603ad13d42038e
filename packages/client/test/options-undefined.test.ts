// Under `exactOptionalPropertyTypes` (this repository's setting, and many
// apps'), an option read from the environment is `string | undefined`.
// Passing it must compile, and `undefined` must mean "the default". The type
// checker runs over this file in `npm test`, so it fails to compile if an
// option stops accepting `undefined`.
import { describe, expect, it } from "vitest";
import { Dispatch } from "../src/client.js";
import { createRpcClient } from "../src/rpc-client.js";
import { createMockDispatch } from "../src/testing/index.js";
import { recordingWebSocket, startServer } from "./setup.js";

const env: Record<string, string | undefined> = {};

describe("options given as undefined", () => {
  it("take their defaults, on the client, its requests and subscriptions", async () => {
    const server = await startServer({ port: undefined, host: undefined, jobs: { noop: async () => {} } });
    const { WebSocket } = recordingWebSocket();
    const client = new Dispatch({
      url: server.url,
      token: env.DISPATCH_TOKEN ?? "dk_test_local",
      WebSocket,
      format: undefined,
      reconnect: undefined,
      maxRetries: undefined,
      timeout: undefined,
      heartbeatInterval: undefined,
      fetch: undefined,
      allowInsecure: undefined,
      logger: undefined,
      slowRequests: undefined,
      minReconnectDelay: undefined,
      maxReconnectDelay: undefined,
      transport: undefined,
    });
    try {
      await client.connect({ timeout: undefined, signal: undefined });
      expect(client.status.format).toBe("json");
      const sub = client.subscribe("jobs", { listener: undefined, maxBuffered: undefined, onEnd: undefined });
      await sub.ready;
      const { job_id } = await client.enqueue("noop", {}, { queue: env.QUEUE, priority: undefined });
      expect((await client.getJob(job_id)).queue).toBe("default");
      const [batched] = await client.batch([{ name: "noop" }], { timeout: undefined });
      expect(batched).toMatchObject({ job_id: expect.stringMatching(/^job_/) });
      const done = await client.waitForJob(job_id, { timeout: undefined, pollInterval: undefined });
      expect(done.state).toBe("completed");
    } finally {
      client.close();
    }
  });

  it("take their defaults on the RPC client and the testing kit", async () => {
    const server = await startServer();
    const rpc = createRpcClient({
      url: server.url,
      token: "dk_test_local",
      fetch: undefined,
      timeout: undefined,
    });
    expect((await rpc.enqueue("noop", undefined, { queue: undefined })).job_id).toMatch(/^job_/);
    const mock = createMockDispatch({
      url: "ws://127.0.0.1:7794/dwp",
      tokens: undefined,
      sequential: undefined,
    });
    expect(mock.url).toBe("ws://127.0.0.1:7794/dwp");
  });
});
