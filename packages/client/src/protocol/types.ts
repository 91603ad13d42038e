/** Job states, as the server reports them. */
export type JobState = "pending" | "running" | "completed" | "failed" | "retrying" | "cancelled";

/** Workflow run states. */
export type RunState = "running" | "completed" | "failed";

/**
 * A job, as `getJob` returns it: the server's fields, with `payload` decoded
 * from base64 into its JSON value.
 */
export interface Job<P = unknown> {
  /** A TypeID: `job_…`. */
  id: string;
  /** The handler's name, as enqueued. */
  name: string;
  /** `"default"` unless enqueued elsewhere. */
  queue: string;
  /** The enqueued payload, decoded. */
  payload: P;
  state: JobState;
  /** As enqueued; the server applies only values above 0. */
  priority: number;
  /** Retries allowed after the first attempt. */
  max_retries: number;
  /** Retries so far. */
  retry_count: number;
  /** The latest failure's message. */
  last_error?: string;
  /** The enqueuing token's app scope. */
  scope_app_id?: string;
  /** The enqueuing token's organisation scope. */
  scope_org_id?: string;
  /** The worker that took the latest attempt. */
  worker_id?: string;
  /** When it may run next (a retry's next attempt). RFC 3339, nanoseconds. */
  run_at: string;
  /** When the latest attempt started. */
  started_at?: string;
  /** When it completed; only success sets it, and a later cancel keeps it. */
  completed_at?: string;
  /** The running attempt's latest heartbeat. */
  heartbeat_at?: string;
  /** Nanoseconds. */
  timeout?: number;
  created_at: string;
  /** Changes with every state change; what merges compare. */
  updated_at: string;
}

/** A workflow run, with `input` and `output` decoded from base64 JSON. */
export interface Run<I = unknown, O = unknown> {
  /** A TypeID: `wfrun_…`. */
  id: string;
  /** The workflow's name, as started. */
  name: string;
  state: RunState;
  /** The start input, decoded. */
  input?: I;
  /** Never set by the Go server today (a child's result is therefore empty too). */
  output?: O;
  /** Why the run failed. */
  error?: string;
  /** The starting token's app scope. */
  scope_app_id?: string;
  /** The starting token's organisation scope. */
  scope_org_id?: string;
  started_at: string;
  completed_at?: string;
  version?: number;
  /** Set on a child run (`RunChild`/`SpawnChild`). */
  parent_run_id?: string;
  created_at: string;
  updated_at: string;
}

/**
 * One checkpoint of a run. `data` holds the raw checkpoint bytes (the Go
 * server stores some as gob, not JSON), absent for steps that saved none.
 */
export interface TimelineEntry {
  step_name: string;
  data?: Uint8Array;
  created_at: string;
}

/**
 * A job as the server sends it in `job.get`, before the SDK decodes it:
 * `payload` is base64 of its JSON bytes (Go `[]byte`).
 *
 * @example
 * ```ts
 * const wire: WireJob = { ...job, payload: btoa(JSON.stringify(job.payload)) };
 * ```
 */
export type WireJob = Omit<Job, "payload"> & { payload: string };

/**
 * A run as the server sends it in `workflow.get`: `input` and `output` are
 * base64 of their JSON bytes.
 *
 * @example
 * ```ts
 * const wire: WireRun = { id: "wfrun_1", name: "onboard", state: "running", started_at: now, created_at: now, updated_at: now };
 * ```
 */
export type WireRun = Omit<Run, "input" | "output"> & { input?: string; output?: string };

/**
 * A `workflow.timeline` entry as the server sends it: `data` is base64 of the
 * checkpoint bytes.
 *
 * @example
 * ```ts
 * const entry: WireTimelineEntry = { step_name: "charge", created_at: now };
 * ```
 */
export type WireTimelineEntry = Omit<TimelineEntry, "data"> & { data?: string };

/** `job.enqueue` result. */
export interface EnqueueResult {
  job_id: string;
  queue: string;
  state: JobState;
}

/** `job.cancel` result. */
export interface CancelResult {
  status: "cancelled";
}

/** `workflow.start` result: the run's state after it ran. */
export interface StartWorkflowResult {
  run_id: string;
  name: string;
  state: RunState;
}

/** `workflow.event` result. */
export interface PublishEventResult {
  event_id: string;
  name: string;
}

/** `subscribe` / `unsubscribe` result. */
export interface SubscribeResult {
  channel: string;
  status: "subscribed" | "unsubscribed";
}

/** `stats` result. */
export interface Stats {
  broker: {
    topic_count: number;
    subscriber_count: number;
    total_published: number;
    total_dropped: number;
  };
  connections: number;
  federation?: unknown;
}

/** Job event types. */
export type JobEventType =
  | "job.enqueued"
  | "job.started"
  | "job.completed"
  | "job.failed"
  | "job.retrying"
  | "job.dlq";

/** Workflow event types. */
export type WorkflowEventType =
  | "workflow.started"
  | "workflow.step_completed"
  | "workflow.step_failed"
  | "workflow.completed"
  | "workflow.failed";

/** `data` of a job event. */
export interface JobEventData {
  job_id: string;
  job_name: string;
  queue: string;
  scope_app_id?: string;
  scope_org_id?: string;
  elapsed_ms?: number;
  error?: string;
  /** On `job.retrying`: the retry count so far. */
  attempt?: number;
  /** On `job.retrying`: RFC 3339 time of the next attempt. */
  next_run_at?: string;
}

/** `data` of a workflow event. */
export interface WorkflowEventData {
  run_id: string;
  name: string;
  step_name?: string;
  scope_app_id?: string;
  scope_org_id?: string;
  elapsed_ms?: number;
  error?: string;
}

/** `data` of a `cron.fired` event (firehose only). */
export interface CronEventData {
  entry_name: string;
  job_id: string;
}

/** A job event. */
export interface JobEvent {
  type: JobEventType;
  ts: string;
  topic: string;
  data: JobEventData;
}

/** A workflow event. */
export interface WorkflowEvent {
  type: WorkflowEventType;
  ts: string;
  topic: string;
  data: WorkflowEventData;
}

/** A cron event; its topic is empty. */
export interface CronEvent {
  type: "cron.fired";
  ts: string;
  topic: string;
  data: CronEventData;
}

/**
 * An event as subscriptions deliver it: the server's stream event
 * `{type, ts, topic, data}`. `topic` is the entity topic (`job:<id>`), not the
 * channel you subscribed to.
 */
export type StreamEvent = JobEvent | WorkflowEvent | CronEvent;

/** Event types in `StreamEvent`. */
export type StreamEventType = StreamEvent["type"];
