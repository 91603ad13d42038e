/**
 * Stored forms of `workflow.Run` and `workflow.Checkpoint`, with their wire
 * encodings (Go key order, omitempty rules). Times are `clockNanos` readings.
 */
import { formatRFC3339Nano } from "./go-time.js";
import { toBase64 } from "./job-record.js";
import type { RunState, RunWire, TimelineEntryWire } from "./types.js";

/** A workflow run as the in-memory store holds it. */
export interface RunRecord {
  createdAt: bigint;
  updatedAt: bigint;
  id: string;
  name: string;
  state: RunState;
  input: Uint8Array | undefined;
  error: string;
  scopeAppId: string;
  scopeOrgId: string;
  startedAt: bigint;
  completedAt: bigint | undefined;
  version: number;
  /** Set for runs started by `runChild` / `spawnChild`. */
  parentRunId: string | undefined;
}

/** A saved step result. */
export interface CheckpointRecord {
  id: string;
  stepName: string;
  data: Uint8Array;
  createdAt: bigint;
}

/** Encodes a run. `output` never appears: the Go runner never sets it. */
export function runToWire(run: RunRecord): RunWire {
  return {
    created_at: formatRFC3339Nano(run.createdAt),
    updated_at: formatRFC3339Nano(run.updatedAt),
    id: run.id,
    name: run.name,
    state: run.state,
    ...(run.input !== undefined && run.input.length > 0 && { input: toBase64(run.input) }),
    ...(run.error !== "" && { error: run.error }),
    ...(run.scopeAppId !== "" && { scope_app_id: run.scopeAppId }),
    ...(run.scopeOrgId !== "" && { scope_org_id: run.scopeOrgId }),
    started_at: formatRFC3339Nano(run.startedAt),
    ...(run.completedAt !== undefined && { completed_at: formatRFC3339Nano(run.completedAt) }),
    ...(run.version !== 0 && { version: run.version }),
    ...(run.parentRunId !== undefined && { parent_run_id: run.parentRunId }),
  };
}

const compare = <T extends bigint | string>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

/** Runner.GetTimeline: by created_at, ties broken by (K-sortable) checkpoint id. */
export function timelineToWire(checkpoints: Iterable<CheckpointRecord>): TimelineEntryWire[] {
  return [...checkpoints]
    .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id))
    .map((cp) => ({
      step_name: cp.stepName,
      ...(cp.data.length > 0 && { data: toBase64(cp.data) }),
      created_at: formatRFC3339Nano(cp.createdAt),
    }));
}

/** `stream.WorkflowEventData` in Go's key order, empty fields omitted. */
export function workflowEventData(
  run: RunRecord,
  extra: { stepName?: string; elapsedMs?: number; error?: string } = {},
): Record<string, unknown> {
  const data: Record<string, unknown> = { run_id: run.id, name: run.name };
  if (extra.stepName !== undefined && extra.stepName !== "") data.step_name = extra.stepName;
  if (run.scopeAppId !== "") data.scope_app_id = run.scopeAppId;
  if (run.scopeOrgId !== "") data.scope_org_id = run.scopeOrgId;
  if (extra.elapsedMs !== undefined && extra.elapsedMs !== 0) data.elapsed_ms = extra.elapsedMs;
  if (extra.error !== undefined && extra.error !== "") data.error = extra.error;
  return data;
}
