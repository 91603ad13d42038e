import { describe, expect, it, vi } from "vitest";
import { useEngine } from "../../test/engine-harness.js";
import { EngineError } from "./types.js";

// Go's job.Registry and workflow.Registry are maps: a name is registered or
// it is not. Names an object literal inherits (constructor, toString,
// __proto__, …) are not registered either.
const INHERITED = ["constructor", "toString", "hasOwnProperty", "__proto__"];

const { events, start, next } = useEngine(Date.UTC(2026, 0, 2, 3, 4, 5, 0));

describe("a name no handler was registered for", () => {
  it.each(INHERITED)("leaves job %j running, as Executor.Execute finds no handler", async (name) => {
    const engine = start({ concurrency: 1, staleJobThresholdMs: 0, jobs: { real: () => {} } });
    const orphan = engine.enqueue({ name, payload: undefined });
    const real = engine.enqueue({ name: "real", payload: undefined });
    // One slot: "real" starts only once the orphan's attempt is over.
    await next("job.completed", real.id);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.getJob(orphan.id)).toMatchObject({ state: "running", retry_count: 0 });
    expect(events.filter((e) => e.data.job_id === orphan.id).map((e) => e.type)).toEqual([
      "job.enqueued",
      "job.started",
    ]);
  });

  it.each(INHERITED)("refuses workflow %j like Runner.StartRaw, publishing nothing", async (name) => {
    const engine = start({ workflows: {} });
    const error = await engine.startWorkflow(name, undefined).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 500, message: `no workflow registered for "${name}"` });
    expect(events).toEqual([]);
  });

  it("fails a child run of an inherited name like Runner.StartChildRaw", async () => {
    const engine = start({ workflows: { parent: (wf) => wf.runChild("constructor") } });
    const run = await engine.startWorkflow("parent", undefined);
    expect(run).toMatchObject({
      state: "failed",
      error: 'workflow parent child "constructor": no workflow registered for "constructor"',
    });
    expect(events.map((e) => `${e.type} ${String(e.data.step_name ?? "")}`)).toEqual([
      "workflow.started ",
      "workflow.step_failed child:constructor",
      "workflow.failed ",
    ]);
  });
});
