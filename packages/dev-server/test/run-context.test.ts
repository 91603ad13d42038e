// The request's context is every run it starts, spawned children included:
// Go's SpawnChildRaw runs the child in a goroutine with the parent's context,
// which dwp/server.go takes from the HTTP request (ctx.Context()). net/http
// cancels it once ServeHTTP returns: for RPC right after the answer, for a
// WebSocket when the connection's read loop ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamEvent } from "../src/engine/types.js";
import type { DevServer } from "../src/index.js";
import { Client, startServer, TOKEN, type Wire } from "./helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startServer({
    workflows: {
      nap: (wf, input) => wf.sleep("nap", (input as { ms: number }).ms),
      parent: async (wf, input) => {
        await wf.spawnChild("nap", input);
      },
    },
  });
});
afterAll(() => server.close());

/** The next engine event matching `pred`. */
function nextEvent(pred: (e: StreamEvent) => boolean): Promise<StreamEvent> {
  return new Promise((resolve) => {
    const off = server.engine.onEvent((event) => {
      if (!pred(event)) return;
      off();
      resolve(event);
    });
  });
}

const isNap = (type: string) => (e: StreamEvent) => e.type === type && e.data.name === "nap";

describe("a spawned child's context", () => {
  it("over HTTP RPC ends with the request: a child sleeping after its parent returned fails", async () => {
    const started = nextEvent(isNap("workflow.started"));
    const failed = nextEvent(isNap("workflow.failed"));
    const res = await fetch(`${server.httpUrl}/dwp/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: TOKEN },
      body: JSON.stringify({
        id: "w1",
        type: "request",
        method: "workflow.start",
        data: { name: "parent", input: { ms: 60_000 } },
      }),
    });
    expect(await res.json()).toMatchObject({ data: { name: "parent", state: "completed" } });
    const childId = String((await started).data.run_id);
    // Sleep returns ctx.Err() unwrapped, and the runner stores err.Error().
    expect((await failed).data).toEqual({ run_id: childId, name: "nap", error: "context canceled" });
    expect(server.engine.getRun(childId)).toMatchObject({ state: "failed", error: "context canceled" });
  });

  it("over a WebSocket lasts while the socket is open, and ends when it closes", async () => {
    const client = await Client.authed(server);
    const start = (ms: number): Promise<Wire> =>
      client.request("workflow.start", { name: "parent", input: { ms } });

    // The answer is written, the socket stays open: the child sleeps on and completes.
    const completed = nextEvent(isNap("workflow.completed"));
    expect(await start(1)).toMatchObject({ data: { state: "completed" } });
    expect(server.engine.getRun(String((await completed).data.run_id))?.state).toBe("completed");

    const started = nextEvent(isNap("workflow.started"));
    const failed = nextEvent(isNap("workflow.failed"));
    expect(await start(60_000)).toMatchObject({ data: { state: "completed" } });
    const childId = String((await started).data.run_id);
    expect(server.engine.getRun(childId)?.state).toBe("running");
    client.close();
    expect((await failed).data).toEqual({ run_id: childId, name: "nap", error: "context canceled" });
  });
});

describe("the run holding a WebSocket's read loop", () => {
  it("is not cancelled by a read error Go would meet only after it returned (an oversize message behind it)", async () => {
    const client = await Client.authed(server);
    const completed = nextEvent(isNap("workflow.completed"));
    const failed = nextEvent(isNap("workflow.failed"));
    client.send({
      id: "w1",
      type: "request",
      method: "workflow.start",
      data: { name: "nap", input: { ms: 50 } },
    });
    client.sendText("x".repeat((1 << 20) + 1));
    const outcome = await Promise.race([completed, failed]);
    expect(outcome.type).toBe("workflow.completed");
    client.close();
  });
});
