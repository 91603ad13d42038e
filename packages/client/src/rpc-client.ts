import { decodeJob, decodeRun, decodeTimeline } from "./decode-bytes.js";
import { ValidationError } from "./errors.js";
import { guardLogger } from "./logger.js";
import { assertUrl, type TokenProvider } from "./options.js";
import { withSlowTimeout } from "./protocol/methods.js";
import type {
  CancelResult,
  EnqueueResult,
  Job,
  PublishEventResult,
  Run,
  StartWorkflowResult,
  Stats,
  TimelineEntry,
} from "./protocol/types.js";
import {
  anyData,
  type EnqueueFields,
  enqueueData,
  idData,
  publishEventData,
  type RequestData,
  startWorkflowData,
} from "./request-data.js";
import type { RequestOptions } from "./requests.js";
import { invalidTimeout } from "./timer-delay.js";
import { resolveToken } from "./token.js";
import { rpcCallAsking, rpcUrlOf } from "./transports/rpc.js";

/** Options of `createRpcClient`. */
export interface RpcClientOptions {
  /** `wss://host/dwp`, or the HTTP base `https://host/dwp` (`https://host` means `/dwp`). */
  url: string;
  /** The raw token, or a function asked before every call. */
  token: TokenProvider;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
  /** Per-request timeout in ms. Default 30 000. */
  timeout?: number | undefined;
  /** Allow plain `http:`/`ws:` to a host other than loopback. Default `false`. */
  allowInsecure?: boolean | undefined;
  /**
   * For debugging: called with each request frame sent and each answer, one
   * line of JSON each (a token field redacted; the token itself travels in a
   * header, never in the frame). A `trace` that throws is ignored. Default
   * none.
   *
   * @example
   * ```ts
   * const dispatch = createRpcClient({ url, token, trace: (line) => console.debug(line) });
   * ```
   */
  trace?: ((line: string) => void) | undefined;
}

/** The typed request methods of `Dispatch`, one HTTP request each, without subscriptions. */
export interface RpcClient {
  /** `job.enqueue`; `payload` travels as raw JSON. Resolves with the new job's id. */
  enqueue(name: string, payload?: unknown, options?: RequestOptions & EnqueueFields): Promise<EnqueueResult>;
  /** `job.get`; the payload comes back decoded from the server's base64. Rejects 404 for an unknown id. */
  getJob<P = unknown>(jobId: string, options?: RequestOptions): Promise<Job<P>>;
  /** `job.cancel`; the server checks no state (a running job's executor may still finish it). */
  cancelJob(jobId: string, options?: RequestOptions): Promise<CancelResult>;
  /**
   * `workflow.start`; the server answers when the whole run has ended. Over
   * RPC the run lives in the request's context: a call that ends early fails
   * a sleeping or waiting run. Default timeout 15 minutes.
   */
  startWorkflow(name: string, input?: unknown, options?: RequestOptions): Promise<StartWorkflowResult>;
  /** `workflow.get`; `input` decoded. */
  getWorkflow<I = unknown, O = unknown>(runId: string, options?: RequestOptions): Promise<Run<I, O>>;
  /** `workflow.timeline`: the run's checkpoints, `[]` for an unknown run. */
  workflowTimeline(runId: string, options?: RequestOptions): Promise<TimelineEntry[]>;
  /** `workflow.event`: wakes runs waiting for `name`. */
  publishEvent(name: string, payload?: unknown, options?: RequestOptions): Promise<PublishEventResult>;
  /** `stats`: the broker's counters and the connection count. */
  stats(options?: RequestOptions): Promise<Stats>;
  /** A method by name, for those without a typed wrapper; resolves with the raw response `data`. */
  request(method: string, data?: unknown, options?: RequestOptions): Promise<unknown>;
}

/**
 * A stateless Dispatch client over HTTP RPC (`POST /dwp/rpc`): the typed
 * requests of `Dispatch` with no socket, no subscriptions and no background
 * work, for anywhere `fetch` exists (edge functions, serverless handlers,
 * server-side rendering). Each call is one HTTP request, handled by the
 * server on its own. Errors are the same classes as the socket client's:
 * 401 → `AuthError`, other statuses → `DispatchError` with the code, network
 * → `ConnectionError`, timeout → `TimeoutError`, signal → `AbortError`.
 *
 * @example
 * ```ts
 * import { createRpcClient } from "@dispatch/client";
 *
 * const dispatch = createRpcClient({ url: "https://api.example.com/dwp", token: process.env.DISPATCH_TOKEN! });
 * const { job_id } = await dispatch.enqueue("send-email", { to: "ada@example.com" });
 * const job = await dispatch.getJob(job_id);
 * ```
 */
export function createRpcClient(options: RpcClientOptions): RpcClient {
  const { url, token } = options;
  if (typeof url !== "string" || url === "") throw new ValidationError("missing url: pass { url }");
  assertUrl(url, options.allowInsecure ?? false, true);
  if (token === undefined || token === "" || (typeof token !== "string" && typeof token !== "function"))
    throw new ValidationError("token must be a non-empty string or a function returning one");
  const timeout = options.timeout ?? 30_000;
  const badTimeout = invalidTimeout(timeout);
  if (badTimeout) throw badTimeout;
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!fetchFn) throw new ValidationError("no fetch implementation: pass { fetch }");
  const rpcUrl = rpcUrlOf(url);
  const traceTo = options.trace && guardLogger({ warn: () => {}, debug: options.trace });

  const send = async (build: () => RequestData, callOptions: RequestOptions = {}): Promise<unknown> => {
    const { method, dataJson } = build();
    const invalid = invalidTimeout(callOptions.timeout);
    if (invalid) throw invalid;
    const callTimeout = withSlowTimeout(method, callOptions, timeout).timeout ?? timeout;
    return rpcCallAsking(
      {
        fetch: fetchFn,
        url: rpcUrl,
        method,
        dataJson,
        signal: callOptions.signal,
        timeout: callTimeout,
        trace: traceTo,
      },
      (within, signal) => resolveToken(token, within, signal),
    );
  };

  return {
    enqueue: (name, payload, { queue, priority, ...rest } = {}) =>
      send(() => enqueueData(name, payload, { queue, priority }), rest) as Promise<EnqueueResult>,
    getJob: async (jobId, opts) => decodeJob(await send(() => idData("job.get", "job_id", jobId), opts)),
    cancelJob: (jobId, opts) =>
      send(() => idData("job.cancel", "job_id", jobId), opts) as Promise<CancelResult>,
    startWorkflow: (name, input, opts) =>
      send(() => startWorkflowData(name, input), opts) as Promise<StartWorkflowResult>,
    getWorkflow: async (runId, opts) =>
      decodeRun(await send(() => idData("workflow.get", "run_id", runId), opts)),
    workflowTimeline: async (runId, opts) =>
      decodeTimeline(await send(() => idData("workflow.timeline", "run_id", runId), opts)),
    publishEvent: (name, payload, opts) =>
      send(() => publishEventData(name, payload), opts) as Promise<PublishEventResult>,
    stats: (opts) => send(() => ({ method: "stats", dataJson: undefined }), opts) as Promise<Stats>,
    request: (method, data, opts) => send(() => anyData(method, data), opts),
  };
}
