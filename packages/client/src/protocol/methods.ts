import type {
  CancelResult,
  EnqueueResult,
  PublishEventResult,
  StartWorkflowResult,
  Stats,
  SubscribeResult,
  WireJob,
  WireRun,
  WireTimelineEntry,
} from "./types.js";

/**
 * `job.enqueue` request data. `payload` is sent as raw JSON, never
 * pre-stringified; left out, it is `null`, as with `enqueue(name)`.
 */
export interface EnqueueParams {
  name: string;
  payload?: unknown;
  queue?: string | undefined;
  priority?: number | undefined;
}

/**
 * Every method the server implements, with its request data and its result
 * as the server sends it (before the SDK decodes base64 fields).
 */
export interface Methods {
  "job.enqueue": [EnqueueParams, EnqueueResult];
  "job.get": [{ job_id: string }, WireJob];
  "job.cancel": [{ job_id: string }, CancelResult];
  "workflow.start": [{ name: string; input: unknown }, StartWorkflowResult];
  "workflow.get": [{ run_id: string }, WireRun];
  "workflow.event": [{ name: string; payload?: unknown }, PublishEventResult];
  "workflow.timeline": [{ run_id: string }, WireTimelineEntry[]];
  subscribe: [{ channel: string }, SubscribeResult];
  unsubscribe: [{ channel: string }, SubscribeResult];
  stats: [undefined, Stats];
}

/** A method name the server implements. */
export type Method = keyof Methods;

/**
 * Methods the Go server runs to completion before answering, blocking its
 * read loop for that socket meanwhile (a workflow can take minutes). They
 * leave by another route so they cannot stall everything else.
 */
export const SLOW_METHODS: ReadonlySet<string> = new Set(["workflow.start"]);

/**
 * Default timeout of a slow method, in ms: 15 minutes. The server answers
 * `workflow.start` only when the run has ended, sleeps and event waits
 * included, so the ordinary request timeout would give up on healthy runs.
 * Pass `{ timeout }` to choose another.
 */
export const SLOW_REQUEST_TIMEOUT = 15 * 60_000;

/** `options` with the slow-method default timeout filled in where none was given. */
export function withSlowTimeout<O extends { timeout?: number | undefined }>(
  method: string,
  options: O,
  base: number,
): O {
  if (!SLOW_METHODS.has(method) || options.timeout !== undefined) return options;
  return { ...options, timeout: Math.max(base, SLOW_REQUEST_TIMEOUT) };
}
