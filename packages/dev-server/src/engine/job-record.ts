/**
 * The stored form of a `job.Job` and its wire encoding. Times are
 * `clockNanos` readings (ns since the epoch); `undefined` stands for Go's nil
 * pointers.
 */
import { clockNanos, formatRFC3339Nano } from "./go-time.js";
import { newTypeId } from "./type-id.js";
import type { EnqueueRequest, JobState, JobWire, StreamEventType } from "./types.js";

/** A job as the in-memory store holds it. */
export interface JobRecord {
  createdAt: bigint;
  updatedAt: bigint;
  id: string;
  name: string;
  queue: string;
  payload: Uint8Array | undefined;
  state: JobState;
  priority: number;
  maxRetries: number;
  retryCount: number;
  lastError: string;
  scopeAppId: string;
  scopeOrgId: string;
  runAt: bigint;
  startedAt: bigint | undefined;
  completedAt: bigint | undefined;
  heartbeatAt: bigint | undefined;
  /** Nanoseconds, as Go's `time.Duration`. */
  timeout: number;
  /** Enqueue order, to break priority/run_at ties deterministically. */
  seq: number;
}

/** Base64 of raw bytes, as Go's encoding/json writes a `[]byte`. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Encodes a job with Go's key order (JS keeps insertion order) and omitempty rules. */
export function jobToWire(job: JobRecord): JobWire {
  const wire: JobWire = {
    created_at: formatRFC3339Nano(job.createdAt),
    updated_at: formatRFC3339Nano(job.updatedAt),
    id: job.id,
    name: job.name,
    queue: job.queue,
    // A nil []byte encodes as null, an empty one as "".
    payload: job.payload === undefined ? null : toBase64(job.payload),
    state: job.state,
    priority: job.priority,
    max_retries: job.maxRetries,
    retry_count: job.retryCount,
    ...(job.lastError !== "" && { last_error: job.lastError }),
    ...(job.scopeAppId !== "" && { scope_app_id: job.scopeAppId }),
    ...(job.scopeOrgId !== "" && { scope_org_id: job.scopeOrgId }),
    // WorkerID is omitempty, but Go never omits a struct, so "" is always there.
    worker_id: "",
    run_at: formatRFC3339Nano(job.runAt),
    ...(job.startedAt !== undefined && { started_at: formatRFC3339Nano(job.startedAt) }),
    ...(job.completedAt !== undefined && { completed_at: formatRFC3339Nano(job.completedAt) }),
    ...(job.heartbeatAt !== undefined && { heartbeat_at: formatRFC3339Nano(job.heartbeatAt) }),
    ...(job.timeout !== 0 && { timeout: job.timeout }),
  };
  return wire;
}

/** Extra `JobEventData` fields, all omitempty in Go. */
export interface JobEventExtra {
  elapsedMs?: number;
  error?: string;
  attempt?: number;
  nextRunAt?: string;
}

/** `stream.JobEventData` in Go's key order, empty fields omitted. */
export function jobEventData(job: JobRecord, extra: JobEventExtra = {}): Record<string, unknown> {
  const data: Record<string, unknown> = { job_id: job.id, job_name: job.name, queue: job.queue };
  if (job.scopeAppId !== "") data.scope_app_id = job.scopeAppId;
  if (job.scopeOrgId !== "") data.scope_org_id = job.scopeOrgId;
  if (extra.elapsedMs !== undefined && extra.elapsedMs !== 0) data.elapsed_ms = extra.elapsedMs;
  if (extra.error !== undefined && extra.error !== "") data.error = extra.error;
  if (extra.attempt !== undefined && extra.attempt !== 0) data.attempt = extra.attempt;
  if (extra.nextRunAt !== undefined && extra.nextRunAt !== "") data.next_run_at = extra.nextRunAt;
  return data;
}

/** How the engine publishes a stream event (type, entity topic, data). */
export type Emit = (type: StreamEventType, topic: string, data: Record<string, unknown>) => void;

/** Go's `job.DefaultOptions().Timeout`: five minutes, in nanoseconds. */
const DEFAULT_TIMEOUT_NS = 300_000_000_000;

/** EnqueueRaw's new job: pending and due now. */
export function newJobRecord(req: EnqueueRequest, maxRetries: number, seq: number): JobRecord {
  // EnqueueRaw reads the clock for RunAt, then dispatch.NewEntity reads it
  // again for CreatedAt and UpdatedAt.
  const now = clockNanos();
  const entity = clockNanos();
  return {
    createdAt: entity,
    updatedAt: entity,
    id: newTypeId("job"),
    name: req.name,
    // The DWP handler only passes a non-empty queue and a positive priority.
    queue: req.queue !== undefined && req.queue !== "" ? req.queue : "default",
    payload: req.payload,
    state: "pending",
    priority: req.priority !== undefined && req.priority > 0 ? req.priority : 0,
    maxRetries,
    retryCount: 0,
    lastError: "",
    scopeAppId: req.scope?.appId ?? "",
    scopeOrgId: req.scope?.orgId ?? "",
    runAt: now,
    startedAt: undefined,
    completedAt: undefined,
    heartbeatAt: undefined,
    timeout: DEFAULT_TIMEOUT_NS,
    seq,
  };
}
