import type { JobState, RunState } from "@dispatch/client";

/** A state as a coloured pill carrying its word. */
export function StateBadge({ state }: { state: JobState | RunState | "loading" }) {
  return (
    <span className={`badge state-${state}`} data-state={state}>
      {state}
    </span>
  );
}
