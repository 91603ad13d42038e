import { describe, expect, it, vi } from "vitest";
import { sleep, useEngine, utf8 } from "../../test/engine-harness.js";
import { type Engine, EngineError, type EngineOptions, type WorkflowEvent } from "./types.js";

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 0);
const b64 = (s: string): string => Buffer.from(s).toString("base64");

const harness = useEngine(T0);
const { events } = harness;
let engine: Engine;
const start = (options: EngineOptions): Engine => {
  engine = harness.start(options);
  return engine;
};

describe("startWorkflow", () => {
  it("runs steps in order, publishing events and keeping a timeline", async () => {
    start({
      workflows: {
        order: async (wf, input) => {
          expect(input).toEqual({ id: 7 });
          await wf.step("validate", () => ({ ok: true }));
          await wf.step("reserve", async () => {
            await sleep(30);
          });
          await wf.sleep("cool-down", 100);
          await wf.step("confirm", () => "done");
        },
      },
    });
    const promise = engine.startWorkflow("order", utf8('{"id":7}'), { orgId: "org1" });
    await vi.advanceTimersByTimeAsync(130);
    const run = await promise;

    expect(Object.keys(run)).toEqual([
      "created_at",
      "updated_at",
      "id",
      "name",
      "state",
      "input",
      "scope_org_id",
      "started_at",
      "completed_at",
      "version",
    ]);
    // One reading per Go time.Now() (started_at, then created_at), 1 ns apart on the still fake clock.
    expect(run).toEqual({
      created_at: "2026-01-02T03:04:05.000000001Z",
      updated_at: "2026-01-02T03:04:05.130000004Z",
      id: run.id,
      name: "order",
      state: "completed",
      input: b64('{"id":7}'),
      scope_org_id: "org1",
      started_at: "2026-01-02T03:04:05Z",
      completed_at: "2026-01-02T03:04:05.130000003Z",
      version: 1,
    });
    const topic = `workflow:${run.id}`;
    const base = { run_id: run.id, name: "order" };
    expect(events).toEqual([
      {
        type: "workflow.started",
        ts: "2026-01-02T03:04:05.000000002Z",
        topic,
        data: { ...base, scope_org_id: "org1" },
      },
      {
        type: "workflow.step_completed",
        ts: "2026-01-02T03:04:05.000000004Z",
        topic,
        data: { ...base, step_name: "validate", scope_org_id: "org1" },
      },
      {
        type: "workflow.step_completed",
        ts: "2026-01-02T03:04:05.030000001Z",
        topic,
        data: { ...base, step_name: "reserve", scope_org_id: "org1", elapsed_ms: 30 },
      },
      {
        type: "workflow.step_completed",
        ts: "2026-01-02T03:04:05.130000002Z",
        topic,
        data: { ...base, step_name: "confirm", scope_org_id: "org1" },
      },
      {
        type: "workflow.completed",
        ts: "2026-01-02T03:04:05.130000005Z",
        topic,
        data: { ...base, scope_org_id: "org1", elapsed_ms: 130 },
      },
    ]);
    expect(engine.timeline(run.id)).toEqual([
      { step_name: "validate", data: b64('{"ok":true}'), created_at: "2026-01-02T03:04:05.000000003Z" },
      { step_name: "reserve", created_at: "2026-01-02T03:04:05.03Z" },
      { step_name: "sleep:cool-down", created_at: "2026-01-02T03:04:05.13Z" },
      { step_name: "confirm", data: b64('"done"'), created_at: "2026-01-02T03:04:05.130000001Z" },
    ]);
    expect(engine.getRun(run.id)).toEqual(run);
    expect(engine.timeline("wfrun_01h455vb4pex5vsknk084sn02q")).toEqual([]);
  });

  it("resolves only after the run has finished, answering the final state", async () => {
    start({ workflows: { long: (wf) => wf.sleep("wait", 1000) } });
    let settled = false;
    const promise = engine.startWorkflow("long", undefined).then((run) => {
      settled = true;
      return run;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    const runId = events[0]?.data.run_id as string;
    const running = { state: "running", updated_at: "2026-01-02T03:04:05.000000001Z" };
    expect(engine.getRun(runId)).toMatchObject(running);
    expect(engine.getRun(runId)).not.toHaveProperty("input");
    await vi.advanceTimersByTimeAsync(1);
    expect(await promise).toMatchObject({
      id: runId,
      state: "completed",
      completed_at: "2026-01-02T03:04:06.000000001Z",
    });
    expect(await promise).not.toHaveProperty("output");
  });

  it("rejects an unregistered workflow with EngineError 500 and publishes nothing", async () => {
    start({});
    const error = await engine.startWorkflow("x", undefined).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 500, message: 'no workflow registered for "x"' });
    expect(events).toEqual([]);
  });

  it("fails the run on a step error with Go's message format", async () => {
    let after = false;
    start({
      workflows: {
        pay: async (wf) => {
          await wf.step("validate", () => {});
          await wf.step("charge", () => {
            throw new Error("card declined");
          });
          after = true;
        },
      },
    });
    const run = await engine.startWorkflow("pay", undefined);
    expect(after).toBe(false);
    expect(run).toMatchObject({
      state: "failed",
      error: 'workflow pay step "charge": card declined',
      completed_at: "2026-01-02T03:04:05.000000006Z",
    });
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ["workflow.started", { run_id: run.id, name: "pay" }],
      ["workflow.step_completed", { run_id: run.id, name: "pay", step_name: "validate" }],
      ["workflow.step_failed", { run_id: run.id, name: "pay", step_name: "charge", error: "card declined" }],
      [
        "workflow.failed",
        { run_id: run.id, name: "pay", error: 'workflow pay step "charge": card declined' },
      ],
    ]);
    expect(engine.timeline(run.id).map((entry) => entry.step_name)).toEqual(["validate"]);
  });

  it("skips a step whose name already has a checkpoint, returning the saved value", async () => {
    let calls = 0;
    start({
      workflows: {
        twice: async (wf) => {
          const a = await wf.step("same", () => ++calls);
          const b = await wf.step("same", () => ++calls);
          expect([a, b]).toEqual([1, 1]);
        },
      },
    });
    const run = await engine.startWorkflow("twice", undefined);
    expect(run.state).toBe("completed");
    expect(calls).toBe(1);
    expect(events.filter((e) => e.type === "workflow.step_completed")).toHaveLength(1);
  });
});

describe("waitForEvent", () => {
  const waiting = (timeoutMs: number, seen: (WorkflowEvent | null)[]): EngineOptions => ({
    workflows: {
      checkout: async (wf) => {
        seen.push(await wf.waitForEvent("paid", timeoutMs));
        await wf.step("ship", () => {});
      },
    },
  });

  it("is released by an event published during the wait, without polling", async () => {
    const seen: (WorkflowEvent | null)[] = [];
    start(waiting(60_000, seen));
    const promise = engine.startWorkflow("checkout", undefined);
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen).toEqual([]);
    const published = engine.publishEvent("paid", utf8('{"amount":5}'), { appId: "shop" });
    expect(published).toEqual({ event_id: expect.stringMatching(/^evt_[0-7][0-9a-z]{25}$/), name: "paid" });
    const run = await promise; // no timer advanced: the publish itself wakes the run
    expect(run.state).toBe("completed");
    expect(seen).toEqual([{ id: published.event_id, name: "paid", payload: { amount: 5 } }]);

    const [wait, ship] = engine.timeline(run.id);
    expect(wait?.step_name).toBe("wait:paid");
    expect(JSON.parse(Buffer.from(wait?.data ?? "", "base64").toString())).toEqual({
      id: published.event_id,
      name: "paid",
      payload: b64('{"amount":5}'),
      scope_app_id: "shop",
      acked: true,
      created_at: "2026-01-02T03:04:10Z",
    });
    expect(ship).toEqual({ step_name: "ship", created_at: "2026-01-02T03:04:10.000000002Z" });
  });

  it("takes an unacked event published before the wait, only once", async () => {
    const seen: (WorkflowEvent | null)[] = [];
    start(waiting(1000, seen));
    const published = engine.publishEvent("paid", undefined);
    const first = await engine.startWorkflow("checkout", undefined);
    expect(first.state).toBe("completed");
    expect(seen).toEqual([{ id: published.event_id, name: "paid", payload: undefined }]);

    const second = engine.startWorkflow("checkout", undefined);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await second).state).toBe("completed");
    expect(seen[1]).toBeNull();
  });

  it("returns null on timeout and lets the workflow decide", async () => {
    start({
      workflows: {
        strict: async (wf) => {
          const event = await wf.waitForEvent("paid", 60_000);
          if (event === null) throw new Error("payment timed out");
        },
      },
    });
    const promise = engine.startWorkflow("strict", undefined);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(events.map((e) => e.type)).toEqual(["workflow.started"]);
    await vi.advanceTimersByTimeAsync(1);
    const run = await promise;
    expect(run).toMatchObject({
      state: "failed",
      error: "payment timed out",
      completed_at: "2026-01-02T03:05:05.000000002Z", // the job reaper's 30 s tick read it first
    });
    expect(engine.timeline(run.id)).toEqual([
      { step_name: "wait:paid", created_at: "2026-01-02T03:05:05.000000001Z" },
    ]);
    expect(events.at(-1)?.data).toEqual({ run_id: run.id, name: "strict", error: "payment timed out" });
  });
});

describe("long durations", () => {
  const DAY = 24 * 3600_000;

  // Go's time.After and the event store's deadline take durations of up to
  // ~292 years; setTimeout fires anything over ~24.8 days after 1 ms.
  it("sleeps and waits as long as asked, beyond what one timer holds", async () => {
    let event: WorkflowEvent | null | undefined;
    start({
      heartbeatIntervalMs: 0,
      staleJobThresholdMs: 0,
      workflows: {
        trial: async (wf) => {
          await wf.sleep("trial-period", 30 * DAY);
          event = await wf.waitForEvent("upgraded", 40 * DAY);
        },
      },
    });
    const promise = engine.startWorkflow("trial", undefined);
    const runId = String(events[0]?.data.run_id);
    await vi.advanceTimersByTimeAsync(30 * DAY - 1);
    expect(engine.timeline(runId)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.timeline(runId).map((entry) => entry.step_name)).toEqual(["sleep:trial-period"]);
    await vi.advanceTimersByTimeAsync(40 * DAY - 1);
    expect(event).toBeUndefined();
    engine.publishEvent("upgraded", utf8('{"plan":"pro"}'));
    expect(await promise).toMatchObject({ state: "completed" });
    expect(event).toMatchObject({ name: "upgraded", payload: { plan: "pro" } });
  });
});

describe("close", () => {
  it("clears workflow timers and fails the run with context canceled", async () => {
    start({ workflows: { napper: (wf) => wf.sleep("nap", 60_000) } });
    const promise = engine.startWorkflow("napper", undefined);
    await vi.advanceTimersByTimeAsync(10);
    engine.close();
    const run = await promise;
    expect(run).toMatchObject({ state: "failed", error: "context canceled" });
    expect(vi.getTimerCount()).toBe(0);
    expect(events.map((e) => e.type)).toEqual(["workflow.started"]);
  });
});
