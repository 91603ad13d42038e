import { describe, expect, it, vi } from "vitest";
import WS from "ws";
import { Dispatch } from "../src/client.js";
import { ConnectionError, TimeoutError } from "../src/errors.js";
import { clientFor, formats, startServer, stateReaches } from "./setup.js";

describe.each(formats)("requests over %s", (format) => {
  it("enqueues, reads the job with its payload decoded, and cancels", async () => {
    const server = await startServer({ jobs: {} });
    const { client } = clientFor(server, { format });
    expect(await client.connect()).toMatch(/^ws_/);
    const payload = { to: "ada@example.com", n: [1, 2], nested: { "<tag>": "&" } };
    const result = await client.enqueue("unregistered", payload, { queue: "mail", priority: 5 });
    expect(result).toEqual({
      job_id: expect.stringMatching(/^job_[0-9a-z]{26}$/),
      queue: "mail",
      state: "pending",
    });
    const job = await client.getJob(result.job_id);
    expect(job).toMatchObject({
      id: result.job_id,
      name: "unregistered",
      queue: "mail",
      priority: 5,
      payload,
    });
    expect(await client.cancelJob(result.job_id)).toEqual({ status: "cancelled" });
    expect((await client.getJob(result.job_id)).state).toBe("cancelled");
  });

  it("maps server errors to typed errors with retryable set", async () => {
    const server = await startServer();
    const { client } = clientFor(server, { format });
    await expect(client.getJob("job_nope")).rejects.toMatchObject({ code: 400, retryable: false });
    await expect(client.getJob("job_01kdypyph5e008000000000001")).rejects.toMatchObject({ code: 404 });
    await expect(client.request("job.list", {})).rejects.toMatchObject({
      code: 405,
      message: "unknown method: job.list",
    });
    await expect(client.startWorkflow("missing")).rejects.toMatchObject({ code: 500, retryable: true });
    expect(client.state).toBe("open");
  });

  it("sends workflow input as raw JSON and reads the run with input decoded", async () => {
    const seen: unknown[] = [];
    const server = await startServer({
      workflows: {
        order: async (wf, input) => {
          seen.push(input);
          await wf.step("validate", () => undefined);
        },
      },
    });
    const { client } = clientFor(server, { format });
    const run = await client.startWorkflow("order", { id: 7 });
    expect(run).toEqual({ run_id: expect.stringMatching(/^wfrun_/), name: "order", state: "completed" });
    expect(seen).toEqual([{ id: 7 }]);
    const fetched = await client.getWorkflow(run.run_id);
    expect(fetched.input).toEqual({ id: 7 });
    const timeline = await client.workflowTimeline(run.run_id);
    expect(timeline.map((t) => t.step_name)).toEqual(["validate"]);
    expect(timeline[0]?.data).toBeUndefined();
  });

  it.each(["rpc", "socket"] as const)(
    "a slow workflow.start over %s does not delay other calls, and publishEvent releases it",
    async (route) => {
      const server = await startServer({
        workflows: {
          pay: async (wf) => {
            const event = await wf.waitForEvent("payment-received", 60_000);
            if (!event) throw new Error("no payment");
          },
        },
      });
      const { client, recorder } = clientFor(server, { format, slowRequests: route });
      await client.connect();
      const started = client.startWorkflow("pay", {});
      // Other calls keep flowing on the main socket while the run waits.
      const stats = await client.stats();
      expect(stats.broker.subscriber_count).toBeGreaterThanOrEqual(1);
      await expect(client.publishEvent("payment-received", { amount: 5 })).resolves.toMatchObject({
        name: "payment-received",
      });
      await expect(started).resolves.toMatchObject({ state: "completed" });
      // Over a socket it left on a second connection, never the main one,
      // which closes after the answer: nothing idle keeps a Node process alive.
      expect(recorder.urls).toHaveLength(route === "socket" ? 2 : 1);
      if (route === "socket") await vi.waitFor(() => expect(recorder.sockets[1]?.readyState).toBe(WS.CLOSED));
    },
  );

  it.each([
    ["auto", "completed"],
    ["rpc", "failed"],
  ] as const)("a run started over %s whose connection drops ends %s", async (route, outcome) => {
    const server = await startServer({
      workflows: {
        pay: async (wf) => {
          await wf.waitForEvent("payment-received", 60_000);
        },
      },
    });
    const { client } = clientFor(server, { format, slowRequests: route, minReconnectDelay: 10 });
    const runs = client.subscribe("workflows");
    await runs.ready;
    const started = client.startWorkflow("pay", {});
    let runId = "";
    for await (const event of runs) {
      runId = (event.data as { run_id: string }).run_id;
      break;
    }
    // The network drops while the run waits. Over RPC the server cancels the
    // request's context, which is the run's; a socket's outlives the socket.
    const reopened = new Promise<void>((resolve) => {
      let dropped = false;
      client.onStateChange((state) => {
        if (state !== "open") dropped = true;
        else if (dropped) resolve();
      });
    });
    server.dropConnections();
    await expect(started).rejects.toBeInstanceOf(ConnectionError);
    await reopened;
    await client.publishEvent("payment-received", {});
    await vi.waitFor(async () => expect((await client.getWorkflow(runId)).state).toBe(outcome));
    if (outcome === "failed") expect((await client.getWorkflow(runId)).error).toMatch(/context canceled$/);
  });

  it("a request in flight when the socket drops rejects with ConnectionError and is not re-sent", async () => {
    const server = await startServer();
    const { client, recorder } = clientFor(server, { format: "json" });
    await client.connect();
    const pending = client.enqueue("send-email", {});
    // Dropped before the server could answer: it may or may not have acted.
    server.dropConnections();
    await expect(pending).rejects.toBeInstanceOf(ConnectionError);
    await stateReaches(client, "open");
    await client.stats();
    expect(recorder.frames("job.enqueue")).toHaveLength(1);
  });

  it("a request made while reconnecting waits for the new session", async () => {
    const server = await startServer();
    const { client } = clientFor(server, { format, minReconnectDelay: 50 });
    await client.connect();
    const restarted = server.restart({ downMs: 300 });
    await stateReaches(client, "reconnecting");
    const stats = client.stats();
    await restarted;
    await expect(stats).resolves.toHaveProperty("broker");
  });

  it("times out with TimeoutError when no session comes in time", async () => {
    const server = await startServer();
    const { client } = clientFor(server, { format, timeout: 200 });
    await client.connect();
    server.silence();
    await expect(client.stats()).rejects.toBeInstanceOf(TimeoutError);
  });

  it("close() rejects pending requests and ends iterators", async () => {
    const server = await startServer();
    const { client } = clientFor(server, { format });
    await client.connect();
    server.silence();
    const pending = client.stats();
    const sub = client.subscribe("jobs");
    const iteration = (async () => {
      for await (const _ of sub) return "event";
      return "ended";
    })();
    client.close();
    await expect(pending).rejects.toMatchObject({ code: "closed" });
    await expect(iteration).resolves.toBe("ended");
    expect(client.state).toBe("closed");
    await expect(client.stats()).rejects.toMatchObject({ code: "closed" });
  });
});

it("a request that times out before any session names the connection's failure", async () => {
  // A port nothing listens on: the server's, once it has closed.
  const server = await startServer();
  const url = server.url;
  await server.close();
  const client = new Dispatch({ url, token: "dk_test_local", WebSocket: WS, timeout: 300 });
  try {
    const stats = client.stats();
    await expect(stats).rejects.toBeInstanceOf(TimeoutError);
    await expect(stats).rejects.toMatchObject({
      message: expect.stringMatching(
        /^stats timed out after 300 ms \(no session: socket closed \(1006 .*ECONNREFUSED/,
      ),
      cause: expect.any(ConnectionError),
    });
  } finally {
    client.close();
  }
});
