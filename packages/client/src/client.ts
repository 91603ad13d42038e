import type { Channel } from "./channels.js";
import { DispatchCore } from "./client-core.js";
import { decodeJob, decodeRun, decodeTimeline } from "./decode-bytes.js";
import type { DispatchError } from "./errors.js";
import type { BatchJob, GatherResult, WaitOptions } from "./fanout.js";
import type {
  CancelResult,
  EnqueueResult,
  Job,
  PublishEventResult,
  Run,
  StartWorkflowResult,
  Stats,
  TimelineEntry,
  WorkflowEvent,
} from "./protocol/types.js";
import {
  anyData,
  assertName,
  enqueueData,
  idData,
  publishEventData,
  type RequestData,
  startWorkflowData,
} from "./request-data.js";
import type { RequestOptions } from "./requests.js";
import type { EventListener, SubscribeOptions, Subscription } from "./subscription.js";

/** Options of `enqueue`. */
export interface EnqueueOptions extends RequestOptions {
  /** Default `"default"`. */
  queue?: string | undefined;
  /** Higher runs first. Default 0. */
  priority?: number | undefined;
}

/**
 * A Dispatch client: typed requests, live subscriptions and reconnection over
 * one WebSocket session.
 *
 * @example
 * ```ts
 * import { Dispatch } from "@dispatch/client";
 *
 * const client = new Dispatch({ url: "wss://api.example.com/dwp", token: "dk_live_…" });
 * const { job_id } = await client.enqueue("send-email", { to: "ada@example.com" });
 * for await (const event of client.subscribe(`job:${job_id}`)) {
 *   console.log(event.type);
 *   if (event.type === "job.completed") break;
 * }
 * client.close();
 * ```
 */
export class Dispatch extends DispatchCore {
  /** Enqueues a job; `payload` travels as raw JSON. */
  enqueue(name: string, payload?: unknown, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    const { queue, priority, ...requestOptions } = options;
    return this.#sendData(
      () => enqueueData(name, payload, { queue, priority }),
      requestOptions,
    ) as Promise<EnqueueResult>;
  }

  /** Reads a job, with `payload` decoded from base64 into its JSON value. */
  async getJob<P = unknown>(jobId: string, options: RequestOptions = {}): Promise<Job<P>> {
    return decodeJob<P>(await this.#idRequest("job.get", "job_id", jobId, options));
  }

  /** Cancels a job. The server publishes no event for it. */
  cancelJob(jobId: string, options: RequestOptions = {}): Promise<CancelResult> {
    return this.#idRequest("job.cancel", "job_id", jobId, options) as Promise<CancelResult>;
  }

  /**
   * Starts a workflow. The server runs it to completion before answering, so
   * this goes over HTTP RPC (or a second socket) and never blocks other calls.
   * Resolves with the state after the run.
   */
  startWorkflow(name: string, input?: unknown, options: RequestOptions = {}): Promise<StartWorkflowResult> {
    return this.#sendData(() => startWorkflowData(name, input), options) as Promise<StartWorkflowResult>;
  }

  /** Reads a run, with `input` and `output` decoded. */
  async getWorkflow<I = unknown, O = unknown>(
    runId: string,
    options: RequestOptions = {},
  ): Promise<Run<I, O>> {
    return decodeRun<I, O>(await this.#idRequest("workflow.get", "run_id", runId, options));
  }

  /** A run's checkpoints in order, with `data` as bytes. */
  async workflowTimeline(runId: string, options: RequestOptions = {}): Promise<TimelineEntry[]> {
    return decodeTimeline(await this.#idRequest("workflow.timeline", "run_id", runId, options));
  }

  /** Publishes a workflow event, releasing runs waiting for `name`. */
  publishEvent(name: string, payload?: unknown, options: RequestOptions = {}): Promise<PublishEventResult> {
    return this.#sendData(() => publishEventData(name, payload), options) as Promise<PublishEventResult>;
  }

  /** Broker statistics. */
  stats(options: RequestOptions = {}): Promise<Stats> {
    return this.send("stats", undefined, options) as Promise<Stats>;
  }

  /** Subscribes to one run's events: `subscribe("workflow:" + runId)`. */
  watch(
    runId: string,
    listenerOrOptions?: EventListener<WorkflowEvent> | SubscribeOptions<WorkflowEvent>,
  ): Subscription<WorkflowEvent> {
    assertName(runId, "runId");
    return this.subscribe<WorkflowEvent>(`workflow:${runId}` as Channel, listenerOrOptions);
  }

  /** Resolves with the job once it completed; rejects with its error if it failed or was cancelled. */
  // The fan-out helpers load on first use: most apps never call them, and the
  // core entry stays small.
  async waitForJob<P = unknown>(jobId: string, options: WaitOptions = {}): Promise<Job<P>> {
    return (await import("./fanout.js")).waitForJob<P>(this, jobId, options);
  }

  /** Resolves when every job has finished, with each outcome. */
  async gather(jobIds: readonly string[], options: WaitOptions = {}): Promise<GatherResult[]> {
    return (await import("./fanout.js")).gather(this, jobIds, options);
  }

  /** Enqueues many jobs at once, pipelined; each entry is a result or the error it met. */
  async batch(
    jobs: readonly BatchJob[],
    options: RequestOptions = {},
  ): Promise<Array<EnqueueResult | DispatchError>> {
    return (await import("./fanout.js")).batch(this, jobs, options);
  }

  #idRequest(
    method: string,
    key: "job_id" | "run_id",
    id: string,
    options: RequestOptions,
  ): Promise<unknown> {
    return this.#sendData(() => idData(method, key, id), options);
  }

  /**
   * Sends a method by name and resolves with its raw `data`. Typed methods cover the
   * known ones; this is the escape hatch.
   */
  request(method: string, data?: unknown, options: RequestOptions = {}): Promise<unknown> {
    return this.#sendData(() => anyData(method, data), options);
  }

  /** Builds the data (a bad argument rejects, never throws) and sends it. */
  #sendData(build: () => RequestData, options: RequestOptions): Promise<unknown> {
    try {
      const { method, dataJson } = build();
      return this.send(method, dataJson, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
