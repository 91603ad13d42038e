import type { Run, RunState, TimelineEntry, WorkflowEvent } from "@dispatch/client";
import { timeOf } from "./time.js";

/*
 * Forward-only merging of workflow events and refetched runs.
 *
 * - A run only moves running → completed | failed. A finished run absorbs
 *   every state change; a read that says `running` while the cache says
 *   finished is behind (an event overtook it) and loses.
 * - Steps are facts that only accumulate: a step once seen is never removed.
 *   A completed step stays completed; a failed step becomes completed only
 *   through a newer event (a step retried after a replay). Step events apply
 *   even after the run finished: late is not wrong for an additive fact.
 * - The server's timeline holds only steps that saved a checkpoint
 *   (completed steps, `sleep:` and `wait:` entries); failed steps exist only
 *   as events, so a refetch unions the two instead of replacing.
 */

/** One step of a run, from the timeline or from step events. */
export interface WorkflowStep {
  /** The step name, e.g. `"charge"`, `"wait:payment-received"` or `"sleep:cool-down"`. */
  name: string;
  status: "completed" | "failed";
  /** RFC 3339 time: the checkpoint's `created_at` or the event's `ts`. */
  at: string;
  /** Set by `workflow.step_failed`. */
  error?: string;
  /** Set by `workflow.step_completed` (the timeline does not carry it). */
  elapsedMs?: number;
  /** The raw checkpoint bytes, from the timeline. */
  data?: Uint8Array;
}

/** What `useWorkflowRun` caches for a run: the run and its steps. */
export interface WorkflowRunData<I = unknown, O = unknown> {
  run: Run<I, O>;
  steps: WorkflowStep[];
}

/**
 * Whether a run has finished.
 *
 * @example
 * ```ts
 * isTerminalRun(data?.run); // true once completed or failed
 * ```
 */
export function isTerminalRun(run: Pick<Run, "state"> | undefined): boolean {
  const state: RunState | undefined = run?.state;
  return state === "completed" || state === "failed";
}

/**
 * Steps from a timeline, in its order.
 *
 * @example
 * ```ts
 * stepsFromTimeline(await client.workflowTimeline(runId)).map((s) => s.name);
 * ```
 */
export function stepsFromTimeline(entries: readonly TimelineEntry[]): WorkflowStep[] {
  return entries.map((entry) => ({
    name: entry.step_name,
    status: "completed",
    at: entry.created_at,
    ...(entry.data !== undefined && { data: entry.data }),
  }));
}

function mergeStep(a: WorkflowStep, b: WorkflowStep): WorkflowStep {
  const [older, newer] = timeOf(a.at) <= timeOf(b.at) ? [a, b] : [b, a];
  const status = a.status === "completed" || b.status === "completed" ? "completed" : "failed";
  const merged: WorkflowStep = { ...older, ...newer, status };
  // A completed step keeps the time it completed, not that of a failure after it.
  if (status === "completed") merged.at = (a.status === "completed" ? a : b).at;
  if (status === "completed") delete merged.error;
  return merged;
}

/** Union of two step lists by name, ordered by time (stable for ties). */
function unionSteps(base: readonly WorkflowStep[], extra: readonly WorkflowStep[]): WorkflowStep[] {
  const byName = new Map<string, WorkflowStep>();
  for (const step of [...base, ...extra]) {
    const seen = byName.get(step.name);
    byName.set(step.name, seen === undefined ? step : mergeStep(seen, step));
  }
  return [...byName.values()].sort((a, b) => timeOf(a.at) - timeOf(b.at));
}

function withStep(prev: WorkflowRunData, step: WorkflowStep): WorkflowRunData {
  const seen = prev.steps.find((s) => s.name === step.name);
  if (seen !== undefined) {
    const merged = mergeStep(seen, step);
    const same =
      merged.status === seen.status && merged.at === seen.at && merged.elapsedMs === seen.elapsedMs;
    if (same) return prev;
  }
  return { ...prev, steps: unionSteps(prev.steps, [step]) };
}

/**
 * Applies one workflow event to cached run data, forward only (rules above).
 * Returns `prev` itself when nothing changes.
 *
 * @example
 * ```ts
 * const next = applyWorkflowEvent(data, event);
 * next?.steps.map((s) => `${s.name}: ${s.status}`);
 * ```
 */
export function applyWorkflowEvent(
  prev: WorkflowRunData | undefined,
  event: WorkflowEvent,
): WorkflowRunData | undefined {
  if (prev === undefined || event.data.run_id !== prev.run.id) return prev;
  const { data } = event;
  switch (event.type) {
    case "workflow.step_completed":
    case "workflow.step_failed": {
      if (data.step_name === undefined) return prev;
      const failed = event.type === "workflow.step_failed";
      return withStep(prev, {
        name: data.step_name,
        status: failed ? "failed" : "completed",
        at: event.ts,
        ...(failed && data.error !== undefined && { error: data.error }),
        ...(data.elapsed_ms !== undefined && { elapsedMs: data.elapsed_ms }),
      });
    }
    case "workflow.completed":
    case "workflow.failed": {
      if (isTerminalRun(prev.run)) return prev;
      const failed = event.type === "workflow.failed";
      const run: Run = {
        ...prev.run,
        state: failed ? "failed" : "completed",
        completed_at: event.ts,
        updated_at: event.ts,
        ...(failed && data.error !== undefined && { error: data.error }),
      };
      return { ...prev, run };
    }
    default:
      return prev;
  }
}

/**
 * Reconciles run data read from the server with the cache: the server's run
 * wins unless it is behind (running while the cache has it finished); steps
 * are the union of both.
 *
 * @example
 * ```ts
 * reconcileWorkflow(cached, { run: await client.getWorkflow(id), steps: stepsFromTimeline(timeline) });
 * ```
 */
export function reconcileWorkflow(
  cached: WorkflowRunData | undefined,
  fetched: WorkflowRunData,
): WorkflowRunData {
  if (cached === undefined || cached.run.id !== fetched.run.id) return fetched;
  const behind = isTerminalRun(cached.run) && !isTerminalRun(fetched.run);
  return { run: behind ? cached.run : fetched.run, steps: unionSteps(fetched.steps, cached.steps) };
}
