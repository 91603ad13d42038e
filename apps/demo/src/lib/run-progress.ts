import type { RunState } from "@dispatch/client";
import type { WorkflowStep } from "@dispatch/react";

export type StepStatus = "completed" | "failed" | "timed-out" | "active" | "pending";

export interface StepView {
  name: string;
  label: string;
  status: StepStatus;
  error?: string | undefined;
}

/** The steps a workflow is known to take, so a run shows what is still to come. */
const PLANS: Record<string, readonly { name: string; label: string }[]> = {
  "order-pipeline": [
    { name: "validate", label: "validate" },
    { name: "charge", label: "charge" },
    { name: "wait:payment-received", label: "wait for payment-received" },
    { name: "ship", label: "ship" },
  ],
};

/**
 * A wait that ended without its event: Go's `WaitForEvent` returns nil on a
 * timeout and saves an empty checkpoint, which the timeline sends with no
 * `data` (one that got its event saves the event).
 */
function timedOut(step: WorkflowStep): boolean {
  return step.name.startsWith("wait:") && step.status === "completed" && !step.data?.length;
}

/**
 * The progress list of a run: its plan (if known) merged with the steps seen.
 * A planned step is done once it, or any step after it, completed (waits
 * publish no event), or once the run completed; the first open step of a
 * running run is the active one.
 */
export function progressOf(workflow: string, state: RunState | undefined, steps: readonly WorkflowStep[]) {
  const plan = PLANS[workflow] ?? [];
  const seen = new Map(steps.map((s) => [s.name, s]));
  const extra = steps.filter((s) => !plan.some((p) => p.name === s.name));
  const views: StepView[] = [
    ...plan.map((p) => ({ name: p.name, label: p.label })),
    ...extra.map((s) => ({ name: s.name, label: s.name })),
  ].map(({ name, label }) => {
    const step = seen.get(name);
    if (step && timedOut(step)) return { name, label, status: "timed-out" };
    return { name, label, status: step?.status ?? "pending", error: step?.error };
  });
  let later = state === "completed";
  for (let i = views.length - 1; i >= 0; i--) {
    const view = views[i]!;
    if (view.status === "completed") later = true;
    else if (later && view.status === "pending") view.status = "completed";
  }
  if (state === "running") {
    const next = views.find((v) => v.status === "pending");
    if (next) next.status = "active";
  }
  return views;
}
