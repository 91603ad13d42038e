import { describe, expect, it, vi } from "vitest";
import { sleep, useEngine, utf8 } from "../../test/engine-harness.js";

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 0);
const text = (b64?: string): string => Buffer.from(b64 ?? "", "base64").toString();

const { events, start } = useEngine(T0);
const seen = (): string[] =>
  events.map(
    (e) => `${e.type} ${String(e.data.name)}${e.data.step_name ? ` ${String(e.data.step_name)}` : ""}`,
  );

// Go's workflow.RunChild / SpawnChild, through Runner.StartChildRaw / SpawnChildRaw.
describe("runChild", () => {
  it("runs the child to its end, linked to its parent, and checkpoints child:<name>", async () => {
    const engine = start({
      workflows: {
        charge: async (wf, input) => {
          expect(input).toEqual({ cents: 500, note: "<ok>" });
          await wf.step("capture", () => sleep(20));
        },
        checkout: async (wf) => {
          await wf.runChild("charge", { cents: 500, note: "<ok>" });
          await wf.step("ship", () => {});
        },
      },
    });
    const promise = engine.startWorkflow("checkout", undefined, { orgId: "org1" });
    await vi.advanceTimersByTimeAsync(20);
    const parent = await promise;
    expect(parent.state).toBe("completed");
    expect(seen()).toEqual([
      "workflow.started checkout",
      "workflow.started charge",
      "workflow.step_completed charge capture",
      "workflow.completed charge",
      "workflow.step_completed checkout child:charge",
      "workflow.step_completed checkout ship",
      "workflow.completed checkout",
    ]);
    const childId = String(events[1]?.data.run_id);
    const child = engine.getRun(childId);
    // Input is json.Marshal'ed (HTML-escaped); the child runs in the parent's scope.
    expect(child).toMatchObject({ state: "completed", scope_org_id: "org1", parent_run_id: parent.id });
    expect(text(child?.input)).toBe('{"cents":500,"note":"\\u003cok\\u003e"}');
    expect(Object.keys(child ?? {}).slice(-2)).toEqual(["version", "parent_run_id"]);
    expect(parent).not.toHaveProperty("parent_run_id");
    const [checkpoint] = engine.timeline(parent.id);
    expect(checkpoint?.step_name).toBe("child:charge");
    // json.Marshal of the zero result: the Go runner never sets a run's output.
    expect(text(checkpoint?.data)).toBe("null");
  });

  it("fails the parent with the child's error, after a step_failed", async () => {
    const engine = start({
      workflows: {
        charge: async (wf) => {
          await wf.step("capture", () => {
            throw new Error("card declined");
          });
        },
        checkout: async (wf) => {
          await wf.runChild("charge");
        },
      },
    });
    const parent = await engine.startWorkflow("checkout", undefined);
    const error = 'child workflow "charge" failed: workflow charge step "capture": card declined';
    expect(parent).toMatchObject({ state: "failed", error });
    expect(events.at(-2)?.type).toBe("workflow.step_failed");
    expect(events.at(-2)?.data).toEqual({
      run_id: parent.id,
      name: "checkout",
      step_name: "child:charge",
      error,
    });
    expect(engine.timeline(parent.id)).toEqual([]);
  });

  it("fails on an unregistered child with Go's wording, starting no run", async () => {
    const engine = start({ workflows: { checkout: (wf) => wf.runChild("nope") } });
    const parent = await engine.startWorkflow("checkout", undefined);
    expect(parent).toMatchObject({
      state: "failed",
      error: 'workflow checkout child "nope": no workflow registered for "nope"',
    });
    expect(seen()).toEqual([
      "workflow.started checkout",
      "workflow.step_failed checkout child:nope",
      "workflow.failed checkout",
    ]);
    expect(events[1]?.data.error).toBe('no workflow registered for "nope"');
  });

  it("is cancelled with its parent's context", async () => {
    const engine = start({
      workflows: {
        nap: (wf) => wf.sleep("nap", 60_000),
        parent: (wf) => wf.runChild("nap"),
      },
    });
    const caller = new AbortController();
    const promise = engine.startWorkflow("parent", undefined, undefined, caller.signal);
    await vi.advanceTimersByTimeAsync(10);
    caller.abort();
    const parent = await promise;
    expect(parent.error).toBe('child workflow "nap" failed: context canceled');
    expect(engine.getRun(String(events[1]?.data.run_id))).toMatchObject({
      state: "failed",
      error: "context canceled",
    });
  });
});

describe("spawnChild", () => {
  it("answers the child's id at once and lets the child run on", async () => {
    let childId: string | undefined;
    const engine = start({
      workflows: {
        report: (wf) => wf.sleep("render", 1000),
        nightly: async (wf) => {
          childId = await wf.spawnChild("report", { day: 2 });
        },
      },
    });
    const parent = await engine.startWorkflow("nightly", undefined);
    expect(parent.state).toBe("completed");
    expect(engine.getRun(childId ?? "")).toMatchObject({ state: "running", parent_run_id: parent.id });
    const [checkpoint] = engine.timeline(parent.id);
    expect(checkpoint?.step_name).toBe("spawn:report");
    expect(text(checkpoint?.data)).toBe(childId);
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.getRun(childId ?? "")?.state).toBe("completed");
    expect(seen()).toEqual([
      "workflow.started nightly",
      "workflow.started report",
      "workflow.step_completed nightly spawn:report",
      "workflow.completed nightly",
      "workflow.completed report",
    ]);
  });

  it("runs on the caller's context, which outlives the parent's run", async () => {
    let childId = "";
    const engine = start({
      workflows: {
        report: (wf) => wf.sleep("render", 1000),
        nightly: async (wf) => {
          childId = await wf.spawnChild("report");
        },
      },
    });
    // Go's SpawnChildRaw runs the child with the parent's ctx, which is the
    // caller's: the child is cancelled when the caller's context ends, even
    // after the parent's run is over.
    const caller = new AbortController();
    const parent = await engine.startWorkflow("nightly", undefined, undefined, caller.signal);
    expect(parent.state).toBe("completed");
    await vi.advanceTimersByTimeAsync(500);
    expect(engine.getRun(childId)?.state).toBe("running");
    caller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.getRun(childId)).toMatchObject({ state: "failed", error: "context canceled" });
    expect(seen().at(-1)).toBe("workflow.failed report");
  });
});

describe("waitForEvent checkpoint", () => {
  it("is json.Marshal of the event, HTML-escaped like Go's", async () => {
    const engine = start({ workflows: { w: async (wf) => void (await wf.waitForEvent("a&b", 1000)) } });
    engine.publishEvent("a&b", utf8('"<ok>"'));
    const run = await engine.startWorkflow("w", undefined);
    expect(text(engine.timeline(run.id)[0]?.data)).toContain('"name":"a\\u0026b"');
  });
});
