/**
 * Shapes the in-memory engine shares with the DWP transport. Wire objects
 * mirror the Go server's JSON encoding field for field (and key order), so the
 * transport can serialise them as they are.
 */

/** Job states, as `job.State` in the Go server. */
export type JobState = "pending" | "running" | "completed" | "failed" | "retrying" | "cancelled";

/** Run states, as `workflow.RunState` in the Go server. */
export type RunState = "running" | "completed" | "failed";

/** Stream event types the Go broker publishes. */
export type StreamEventType =
  | "job.enqueued"
  | "job.started"
  | "job.completed"
  | "job.failed"
  | "job.retrying"
  | "job.dlq"
  | "workflow.started"
  | "workflow.step_completed"
  | "workflow.step_failed"
  | "workflow.completed"
  | "workflow.failed"
  | "cron.fired";

/**
 * A `stream.Event` as the Go broker builds it. `topic` is the entity topic
 * (`job:<id>` / `workflow:<run id>`), or `""` for cron events.
 */
export interface StreamEvent {
  type: StreamEventType;
  /**
   * RFC 3339 with up to nine fractional digits, trailing zeros trimmed. The
   * engine's clock never repeats, so no two of its events share one.
   */
  ts: string;
  topic: string;
  data: Record<string, unknown>;
}

/** `job.Job` as Go's encoding/json writes it (embedded Entity first). */
export interface JobWire {
  created_at: string;
  updated_at: string;
  id: string;
  name: string;
  queue: string;
  /** base64 of the raw JSON payload bytes (Go `[]byte`). */
  payload: string | null;
  state: JobState;
  priority: number;
  max_retries: number;
  retry_count: number;
  last_error?: string;
  scope_app_id?: string;
  scope_org_id?: string;
  /** Always present; empty for the in-memory store. */
  worker_id: string;
  run_at: string;
  started_at?: string;
  completed_at?: string;
  heartbeat_at?: string;
  /** Nanoseconds. */
  timeout?: number;
}

/** `workflow.Run` as Go's encoding/json writes it. */
export interface RunWire {
  created_at: string;
  updated_at: string;
  id: string;
  name: string;
  state: RunState;
  input?: string;
  output?: string;
  error?: string;
  scope_app_id?: string;
  scope_org_id?: string;
  started_at: string;
  completed_at?: string;
  version?: number;
  /** The parent run of a child started with `runChild` / `spawnChild`. */
  parent_run_id?: string;
}

/** `workflow.TimelineEntry`: `data` is base64, absent for empty checkpoints. */
export interface TimelineEntryWire {
  step_name: string;
  data?: string;
  created_at: string;
}

/** Tenant scope taken from the authenticated identity. */
export interface Scope {
  appId?: string;
  orgId?: string;
}

/** What a job handler receives. */
export interface JobContext {
  /** The payload, parsed from its JSON bytes (`undefined` when there were none). */
  payload: unknown;
  /** The job as it stands when the attempt starts. */
  job: Readonly<JobWire>;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** Aborted when the server closes. */
  signal: AbortSignal;
  /** Records liveness (`heartbeat_at`), as long-running Go handlers do. */
  heartbeat(): void;
}

/** An async job handler; a throw (or rejection) fails the attempt. */
export type JobHandler = (ctx: JobContext) => Promise<void> | void;

/** An event received by `waitForEvent`, as the Go event bus stores it. */
export interface WorkflowEvent {
  id: string;
  name: string;
  payload: unknown;
}

/** The `workflow.Workflow` context a workflow handler drives. */
export interface WorkflowContext {
  readonly runId: string;
  readonly signal: AbortSignal;
  /**
   * Runs `fn` once and checkpoints it. A returned value other than
   * `undefined` is stored as the checkpoint's data (JSON bytes).
   */
  step<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
  /** Sleeps, then checkpoints `sleep:<name>`. */
  sleep(name: string, ms: number): Promise<void>;
  /**
   * Waits for an unacknowledged event named `name`, published before or
   * after the call. Resolves `null` on timeout, as the Go runner does.
   */
  waitForEvent(name: string, timeoutMs: number): Promise<WorkflowEvent | null>;
  /**
   * Go's `RunChild`: runs the registered workflow `name` as a child run (its
   * `parent_run_id` is this run), waits for it to end, and checkpoints
   * `child:<name>`. Resolves `undefined`: Go's runner never sets a run's
   * output, so `RunChild` yields its type's zero value. A failed child rejects
   * with `child workflow "<name>" failed: <its error>`.
   */
  runChild(name: string, input?: unknown): Promise<void>;
  /**
   * Go's `SpawnChild`: starts the child run without waiting for it and
   * resolves its id, checkpointed as `spawn:<name>`. The child runs in this
   * run's caller's context, which may end before the child does: over HTTP
   * RPC a child still sleeping or waiting once the answer is written fails
   * with `context canceled`; over a WebSocket, once the socket closes.
   */
  spawnChild(name: string, input?: unknown): Promise<string>;
}

/** An async workflow; a throw fails the run. */
export type WorkflowHandler = (wf: WorkflowContext, input: unknown) => Promise<void> | void;

/**
 * Thrown by engine operations that the Go server answers with an error code;
 * `message` is in the Go server's words.
 *
 * @example
 * ```ts
 * const err = await server.engine.startWorkflow("nope", undefined).catch((e: unknown) => e);
 * if (err instanceof EngineError) console.log(err.code, err.message); // 500 no workflow registered for "nope"
 * ```
 */
export class EngineError extends Error {
  constructor(
    /** The status the Go server answers with. */
    readonly code: 400 | 404 | 500,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/** Engine tuning; every field has the Go server's default. */
export interface EngineOptions {
  jobs?: Record<string, JobHandler> | undefined;
  workflows?: Record<string, WorkflowHandler> | undefined;
  /** Jobs run at once (Go default 10). */
  concurrency?: number | undefined;
  /**
   * Delay before retry `attempt` (1-based), in ms. Default: Go's exponential
   * backoff with full jitter, 1 s initial, 60 s cap.
   */
  backoff?: ((attempt: number) => number) | undefined;
  /** Retries before the dead-letter queue (Go default 3). */
  maxRetries?: number | undefined;
  /**
   * Queues the pool polls (Go `Config.Queues`, default `["default"]`): a job
   * enqueued on any other queue stays `pending`. `[]` polls every queue.
   */
  queues?: readonly string[] | undefined;
  /** How often running jobs get `heartbeat_at` (Go default 10 s); 0 disables. */
  heartbeatIntervalMs?: number | undefined;
  /**
   * Running jobs whose heartbeat (or start) is older than this are reset to
   * `pending` and run again (Go default 30 s); 0 disables.
   */
  staleJobThresholdMs?: number | undefined;
}

/**
 * A job to store, as the `job.enqueue` handler passes it. `payload` is the raw
 * JSON bytes; an omitted or empty `queue` means `default`, and a missing or
 * non-positive `priority` means 0.
 */
export interface EnqueueRequest {
  name: string;
  payload: Uint8Array | undefined;
  queue?: string;
  priority?: number;
  scope?: Scope;
}

/**
 * The in-memory engine behind the dev server's DWP handlers, exposed as
 * `server.engine` so tests can set up and inspect state without a client.
 * Reads return wire objects, shaped as the Go server's JSON.
 *
 * @example
 * ```ts
 * const job = server.engine.enqueue({ name: "send-email", payload: new TextEncoder().encode('{"to":"a@b.c"}') });
 * server.engine.getJob(job.id)?.queue; // "default"
 * ```
 */
export interface Engine {
  /** Persists a pending job and publishes `job.enqueued` before returning. */
  enqueue(req: EnqueueRequest): JobWire;
  /** The job as stored now; `undefined` for an unknown id. */
  getJob(id: string): JobWire | undefined;
  /** Go quirk: sets `cancelled` whatever the state, publishes nothing. `false` if unknown. */
  cancelJob(id: string): boolean;
  /**
   * Runs the whole workflow before resolving, as the Go runner does. Rejects
   * with EngineError(500) for an unregistered name. `signal` is the caller's
   * context: when it aborts, the run's context is cancelled ("context
   * canceled"), and so are the contexts of the children it spawned, even
   * after the run has ended (Go's SpawnChild passes the caller's context on).
   * The server aborts it once an HTTP RPC answer is written, and when a
   * WebSocket connection closes. Without one, runs end only with `close()`.
   */
  startWorkflow(
    name: string,
    input: Uint8Array | undefined,
    scope?: Scope,
    signal?: AbortSignal,
  ): Promise<RunWire>;
  /** The run as stored now; `undefined` for an unknown id. */
  getRun(id: string): RunWire | undefined;
  /** The run's checkpoints in order; `[]` for an unknown run, as in Go. */
  timeline(runId: string): TimelineEntryWire[];
  /**
   * Publishes a workflow event: the `waitForEvent` that has waited longest
   * for `name` takes it at once; otherwise it is kept, unacknowledged, for the
   * next one.
   */
  publishEvent(
    name: string,
    payload: Uint8Array | undefined,
    scope?: Scope,
  ): { event_id: string; name: string };
  /** Every lifecycle event, in publication order. */
  onEvent(listener: (event: StreamEvent) => void): () => void;
  /** Stops timers and aborts running handlers. */
  close(): void;
}
