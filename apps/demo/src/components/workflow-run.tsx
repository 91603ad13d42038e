import { useWorkflowRun } from "@dispatch/react";
import { progressOf, type StepStatus } from "../lib/run-progress";
import { shortId } from "../lib/time";
import { StateBadge } from "./state-badge";

const ICON: Record<StepStatus, string> = {
  completed: "✓",
  failed: "✕",
  "timed-out": "✕",
  active: "●",
  pending: "○",
};

/** What a screen reader hears after the step's name. */
const SPOKEN: Record<StepStatus, string> = {
  completed: "completed",
  failed: "failed",
  "timed-out": "timed out",
  active: "active",
  pending: "pending",
};

/** One run and its steps as a progress list, live through `useWorkflowRun`. */
export function WorkflowRun({ runId }: { runId: string }) {
  const { run, steps, error } = useWorkflowRun(runId);
  const views = progressOf(run?.name ?? "", run?.state, steps);
  const done = views.filter((v) => v.status === "completed").length;
  return (
    <li className="run" data-run-id={runId} data-state={run?.state ?? "loading"}>
      <div className="run-head">
        <span>
          <strong>{run?.name ?? "workflow"}</strong> <span className="muted mono">{shortId(runId)}</span>
        </span>
        <StateBadge state={run?.state ?? "loading"} />
      </div>
      {error && <p className="field-error">{error.message}</p>}
      {views.length > 0 && <progress max={views.length} value={done} aria-label={`Run ${runId} progress`} />}
      <ol className="steps">
        {views.map((v) => (
          <li key={v.name} className={`step step-${v.status}`} data-step={v.name} data-status={v.status}>
            <span className="step-icon" aria-hidden="true">
              {ICON[v.status]}
            </span>
            <span>{v.label}</span>
            <span className="sr-only">: {SPOKEN[v.status]}</span>
            {v.status === "timed-out" && (
              <span className="step-note" aria-hidden="true">
                timed out
              </span>
            )}
            {v.error && <span className="field-error"> {v.error}</span>}
          </li>
        ))}
      </ol>
      {run?.error && <p className="field-error">{run.error}</p>}
    </li>
  );
}
