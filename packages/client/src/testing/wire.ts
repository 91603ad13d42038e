import type {
  Job,
  JobEvent,
  JobEventData,
  JobEventType,
  Run,
  Stats,
  WireJob,
  WireRun,
  WorkflowEvent,
  WorkflowEventData,
  WorkflowEventType,
} from "../protocol/types.js";

const utf8 = new TextEncoder();

/**
 * Base64 of a value's JSON bytes: how the Go server sends `[]byte` fields
 * (`payload`, `input`, `output`). Handles any Unicode, unlike a bare `btoa`.
 *
 * @example
 * ```ts
 * base64Json({ to: "ada@example.com" }); // "eyJ0byI6ImFkYUBleGFtcGxlLmNvbSJ9"
 * ```
 */
export function base64Json(value: unknown): string {
  let binary = "";
  for (const byte of utf8.encode(JSON.stringify(value ?? null))) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A job as a test describes it: `id` required, `payload` as its JSON value. */
export type JobInput = Partial<Job> & { id: string };

/**
 * Turns a job described with a JSON `payload` into the shape `job.get`
 * answers with: every required field filled in, `payload` base64-encoded,
 * `worker_id` present (the server always sends it).
 *
 * @example
 * ```ts
 * mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, state: "running", payload: { to: "ada" } }));
 * ```
 */
export function wireJob(job: JobInput): WireJob {
  const now = new Date().toISOString();
  const { payload = {}, ...rest } = job;
  return {
    name: "job",
    queue: "default",
    state: "pending",
    priority: 0,
    max_retries: 3,
    retry_count: 0,
    worker_id: "",
    run_at: now,
    created_at: now,
    updated_at: now,
    ...rest,
    payload: base64Json(payload),
  };
}

/** A run as a test describes it: `id` required, `input`/`output` as JSON values. */
export type RunInput = Partial<Run> & { id: string };

/**
 * Turns a run described with JSON `input`/`output` into the shape
 * `workflow.get` answers with.
 *
 * @example
 * ```ts
 * mock.handle("workflow.get", ({ run_id }) => wireRun({ id: run_id, state: "completed", output: { ok: true } }));
 * ```
 */
export function wireRun(run: RunInput): WireRun {
  const now = new Date().toISOString();
  const { input, output, ...rest } = run;
  const wire: WireRun = {
    name: "workflow",
    state: "running",
    started_at: now,
    created_at: now,
    updated_at: now,
    ...rest,
  };
  if (input !== undefined) wire.input = base64Json(input);
  if (output !== undefined) wire.output = base64Json(output);
  return wire;
}

/**
 * A `stats` answer: zero counters unless given. Handy for a `stats` handler
 * that only serves as a round trip (every event emitted before it has
 * arrived once `client.stats()` resolves).
 *
 * @example
 * ```ts
 * mock.handle("stats", () => wireStats({ connections: mock.connections }));
 * ```
 */
export function wireStats(stats: Partial<Stats> = {}): Stats {
  return {
    broker: { topic_count: 0, subscriber_count: 0, total_published: 0, total_dropped: 0 },
    connections: 0,
    ...stats,
  };
}

/**
 * A job event as the server publishes it, on the job's own topic.
 *
 * @example
 * ```ts
 * mock.emit(jobEvent("job.retrying", "job_01…", new Date(), { attempt: 1 }));
 * ```
 */
export function jobEvent(
  type: JobEventType,
  jobId: string,
  at: Date = new Date(),
  data: Partial<JobEventData> = {},
): JobEvent {
  return {
    type,
    ts: at.toISOString(),
    topic: `job:${jobId}`,
    data: { job_id: jobId, job_name: "job", queue: "default", ...data },
  };
}

/**
 * A workflow event as the server publishes it, on the run's own topic.
 *
 * @example
 * ```ts
 * mock.emit(workflowEvent("workflow.step_completed", "wfrun_01…", new Date(), { step_name: "charge" }));
 * ```
 */
export function workflowEvent(
  type: WorkflowEventType,
  runId: string,
  at: Date = new Date(),
  data: Partial<WorkflowEventData> = {},
): WorkflowEvent {
  return {
    type,
    ts: at.toISOString(),
    topic: `workflow:${runId}`,
    data: { run_id: runId, name: "workflow", ...data },
  };
}
