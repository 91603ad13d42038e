import { describe, expect, it, vi } from "vitest";
import { useEngine } from "../../test/engine-harness.js";

// Go's elapsed_ms is time.Since(start).Milliseconds(): the monotonic duration,
// truncated. 0.6 ms of work that crosses a millisecond boundary is 0 ms
// (omitted) and 1.9 ms is 1 ms, whatever the wall clock's ms read.
const { events, start, next } = useEngine(Date.UTC(2026, 0, 2, 3, 4, 5, 0));

// Fake timers floor a setTimeout delay to whole ms, so handlers wait on a
// gate that the test opens once it has moved the clock by a fraction.
const gates: (() => void)[] = [];
const gate = (): Promise<void> => new Promise((resolve) => gates.push(resolve));
async function finishAfter(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  gates.shift()?.();
}

const elapsed = (type: string): unknown[] =>
  events.filter((e) => e.type === type).map((e) => [e.data.step_name ?? e.data.name, e.data.elapsed_ms]);

describe("elapsed_ms", () => {
  it("is the job's duration truncated (worker/executor.go Execute)", async () => {
    const engine = start({ concurrency: 1, jobs: { quick: gate, slower: gate } });
    // Start 0.6 ms into a millisecond, so 0.6 ms of work ends in the next one.
    await vi.advanceTimersByTimeAsync(0.6);
    const quick = engine.enqueue({ name: "quick", payload: undefined });
    const slower = engine.enqueue({ name: "slower", payload: undefined });
    await next("job.started", quick.id);
    const slowerStarted = next("job.started", slower.id);
    await finishAfter(0.6);
    await slowerStarted;
    const slowerCompleted = next("job.completed", slower.id);
    await finishAfter(1.9);
    await slowerCompleted;
    const completed = events.filter((e) => e.type === "job.completed");
    expect(completed.map((e) => [e.data.job_name, e.data.elapsed_ms])).toEqual([
      ["quick", undefined],
      ["slower", 1],
    ]);
  });

  it("is each step's and each run's duration truncated (workflow/step.go, runner.go)", async () => {
    const engine = start({
      workflows: {
        child: gate,
        flow: async (wf) => {
          await wf.step("quick", gate);
          await wf.runChild("child");
          await wf.step("slower", gate);
        },
      },
    });
    await vi.advanceTimersByTimeAsync(0.6);
    const run = engine.startWorkflow("flow", undefined);
    await finishAfter(0.6); // quick: .6 → 1.2
    await finishAfter(0.9); // child: 1.2 → 2.1
    await finishAfter(1.9); // slower: 2.1 → 4.0
    await run;
    expect(elapsed("workflow.step_completed")).toEqual([
      ["quick", undefined],
      ["child:child", undefined],
      ["slower", 1],
    ]);
    expect(elapsed("workflow.completed")).toEqual([
      ["child", undefined],
      ["flow", 3],
    ]);
  });
});
