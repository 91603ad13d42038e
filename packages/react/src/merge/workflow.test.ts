import type { Run, WorkflowEvent, WorkflowEventType } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import {
  applyWorkflowEvent,
  reconcileWorkflow,
  stepsFromTimeline,
  type WorkflowRunData,
} from "./workflow.js";

const ID = "wfrun_01h455vb4pex5vsknk084sn02q";
const t = (ms: number): string => new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + ms).toISOString();

function data(overrides: Partial<Run> = {}): WorkflowRunData {
  return {
    run: {
      id: ID,
      name: "order-pipeline",
      state: "running",
      started_at: t(0),
      created_at: t(0),
      updated_at: t(0),
      ...overrides,
    },
    steps: [],
  };
}

function event(
  type: WorkflowEventType,
  ms: number,
  extra: Partial<WorkflowEvent["data"]> = {},
): WorkflowEvent {
  return { type, ts: t(ms), topic: `workflow:${ID}`, data: { run_id: ID, name: "order-pipeline", ...extra } };
}

const fold = (start: WorkflowRunData, events: WorkflowEvent[]) =>
  events.reduce<WorkflowRunData | undefined>((acc, e) => applyWorkflowEvent(acc, e), start);

describe("applyWorkflowEvent", () => {
  it("adds steps in order and finishes the run", () => {
    const end = fold(data(), [
      event("workflow.started", 0),
      event("workflow.step_completed", 10, { step_name: "validate", elapsed_ms: 1 }),
      event("workflow.step_completed", 20, { step_name: "charge", elapsed_ms: 9 }),
      event("workflow.completed", 30, { elapsed_ms: 30 }),
    ]);
    expect(end?.steps.map((s) => [s.name, s.status])).toEqual([
      ["validate", "completed"],
      ["charge", "completed"],
    ]);
    expect(end?.run).toMatchObject({ state: "completed", completed_at: t(30) });
  });

  it("ignores duplicates (same object back)", () => {
    const once = fold(data(), [
      event("workflow.step_completed", 10, { step_name: "validate", elapsed_ms: 1 }),
    ]);
    expect(
      applyWorkflowEvent(
        once,
        event("workflow.step_completed", 10, { step_name: "validate", elapsed_ms: 1 }),
      ),
    ).toBe(once);
  });

  it("orders reordered step events by time", () => {
    const end = fold(data(), [
      event("workflow.step_completed", 20, { step_name: "charge" }),
      event("workflow.step_completed", 10, { step_name: "validate" }),
    ]);
    expect(end?.steps.map((s) => s.name)).toEqual(["validate", "charge"]);
  });

  it("never reopens a finished run, but still records late steps", () => {
    const failed = fold(data(), [event("workflow.failed", 30, { error: "boom" })]);
    expect(failed?.run).toMatchObject({ state: "failed", error: "boom" });
    const after = fold(failed as WorkflowRunData, [
      event("workflow.completed", 40),
      event("workflow.step_failed", 25, { step_name: "charge", error: "card declined" }),
    ]);
    expect(after?.run.state).toBe("failed");
    expect(after?.steps).toEqual([{ name: "charge", status: "failed", at: t(25), error: "card declined" }]);
  });

  it("keeps a completed step completed against a late failure", () => {
    const end = fold(data(), [
      event("workflow.step_completed", 20, { step_name: "charge" }),
      event("workflow.step_failed", 10, { step_name: "charge", error: "retry me" }),
    ]);
    expect(end?.steps).toEqual([{ name: "charge", status: "completed", at: t(20) }]);
  });
});

describe("reconcileWorkflow", () => {
  it("unions the timeline with event-only steps and keeps a finished run against a stale read", () => {
    const cached = fold(data(), [
      event("workflow.step_completed", 10, { step_name: "validate", elapsed_ms: 1 }),
      event("workflow.step_failed", 20, { step_name: "ship", error: "no truck" }),
      event("workflow.failed", 30, { error: "no truck" }),
    ]) as WorkflowRunData;
    const fetched: WorkflowRunData = {
      run: data().run,
      steps: stepsFromTimeline([{ step_name: "validate", created_at: t(9), data: new Uint8Array([1]) }]),
    };
    const merged = reconcileWorkflow(cached, fetched);
    expect(merged.run.state).toBe("failed");
    expect(merged.steps.map((s) => [s.name, s.status])).toEqual([
      ["validate", "completed"],
      ["ship", "failed"],
    ]);
    expect(merged.steps[0]).toMatchObject({ elapsedMs: 1, data: new Uint8Array([1]) });
  });

  it("takes the server's run when it is not behind", () => {
    const fetched = data({ state: "completed", completed_at: t(50) });
    expect(reconcileWorkflow(data(), fetched).run).toBe(fetched.run);
    expect(reconcileWorkflow(undefined, fetched)).toBe(fetched);
  });
});
