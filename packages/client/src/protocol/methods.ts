import type {
  CancelResult,
  EnqueueResult,
  PublishEventResult,
  StartWorkflowResult,
  Stats,
  SubscribeResult,
} from "./types.js";

/** `job.enqueue` request data. `payload` is sent as raw JSON, never pre-stringified. */
export interface EnqueueParams {
  name: string;
  payload: unknown;
  queue?: string;
  priority?: number;
}

/**
 * Every method the server implements, with its request data and its result
 * as the server sends it (before the SDK decodes base64 fields).
 */
export interface Methods {
  "job.enqueue": [EnqueueParams, EnqueueResult];
  "job.get": [{ job_id: string }, unknown];
  "job.cancel": [{ job_id: string }, CancelResult];
  "workflow.start": [{ name: string; input: unknown }, StartWorkflowResult];
  "workflow.get": [{ run_id: string }, unknown];
  "workflow.event": [{ name: string; payload?: unknown }, PublishEventResult];
  "workflow.timeline": [{ run_id: string }, unknown];
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
