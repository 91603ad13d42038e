import type { Channel } from "./channels.js";
import type { GapEvent } from "./connection-state.js";
import { AbortError, abortedBy, clientClosedError, DispatchError, TimeoutError } from "./errors.js";
import type { EnqueueParams } from "./protocol/methods.js";
import type { EnqueueResult, Job, JobEvent } from "./protocol/types.js";
import type { RequestOptions } from "./requests.js";
import type { Subscription } from "./subscription.js";
import { invalidTimeout, timerDelay } from "./timer-delay.js";

/** The part of the client the fan-out helpers use. */
export interface FanoutClient {
  getJob<P>(jobId: string, options?: RequestOptions): Promise<Job<P>>;
  enqueue(
    name: string,
    payload?: unknown,
    options?: RequestOptions & { queue?: string; priority?: number },
  ): Promise<EnqueueResult>;
  subscribe<E extends JobEvent>(channel: Channel): Subscription<E>;
  onGap(listener: (gap: GapEvent) => void): () => void;
}

/** Options of `waitForJob` and `gather`. */
export interface WaitOptions {
  /** Stops waiting (rejects with `AbortError`); the job itself runs on. */
  signal?: AbortSignal | undefined;
  /** Gives up after this many ms. Default: no limit (jobs may run for hours). */
  timeout?: number | undefined;
  /**
   * Re-reads the job this often, in ms. The server publishes no event when a
   * job is cancelled, so without it a cancelled job would be waited on
   * forever. Default 10 000.
   */
  pollInterval?: number | undefined;
}

/** One job's outcome in `gather`. */
export type GatherResult<P = unknown> =
  | { job_id: string; status: "completed"; job: Job<P> }
  | { job_id: string; status: "failed"; error: DispatchError };

/** One job of `batch`. */
export type BatchJob = EnqueueParams;

/** Why a job ended without completing, as a `DispatchError` (code `job_failed`). */
function jobError(job: Job): DispatchError {
  const why = job.state === "cancelled" ? "was cancelled" : `failed: ${job.last_error ?? "unknown error"}`;
  return new DispatchError("job_failed", `job ${job.id} (${job.name}) ${why}`, {
    retryable: false,
    ...(job.last_error === undefined ? {} : { details: job.last_error }),
  });
}

/** Nanoseconds since the epoch of an RFC 3339 time, at full precision. */
function nanosOf(ts: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(ts);
  if (!m) return BigInt(Date.parse(ts)) * 1_000_000n;
  return BigInt(Date.parse(`${m[1]}${m[3]}`)) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/**
 * Whether a `cancelled` job is still held by an executor: Go's job.cancel only
 * flips the stored state, and the executor of a running job writes its own
 * copy (completed, retrying or failed) over it when the handler returns, then
 * publishes that outcome. A dequeued job has started_at >= run_at and no
 * completed_at; a retrying one has run_at after started_at; a pending one has
 * no started_at (the reaper clears it too).
 */
function heldByExecutor(job: Job): boolean {
  if (job.started_at === undefined || job.completed_at !== undefined) return false;
  return nanosOf(job.started_at) >= nanosOf(job.run_at);
}

/**
 * Waits for a job to finish. Subscribes first and reads second, so an event
 * between the two cannot be missed; re-reads after a reconnect gap and on a
 * slow poll (cancellation publishes no event). Also `client.waitForJob`.
 *
 * @example
 * ```ts
 * const { job_id } = await client.enqueue("resize-image", { src });
 * const job = await waitForJob(client, job_id, { timeout: 60_000 }); // rejects if it failed
 * ```
 */
export async function waitForJob<P = unknown>(
  client: FanoutClient,
  jobId: string,
  options: WaitOptions = {},
): Promise<Job<P>> {
  const { signal, timeout, pollInterval = 10_000 } = options;
  const invalid = invalidTimeout(timeout) ?? invalidTimeout(pollInterval, "pollInterval");
  if (invalid) throw invalid;
  const aborted = abortedBy(signal);
  if (aborted) throw aborted;
  const sub = client.subscribe<JobEvent>(`job:${jobId}`);
  const cleanups: Array<() => void> = [() => void sub.unsubscribe()];
  try {
    return await new Promise<Job<P>>((resolve, reject) => {
      const check = () => {
        client.getJob<P>(jobId, signal ? { signal } : {}).then(
          (job) => {
            // completed_at is set only on success (worker/executor.go:87); Go's
            // job.cancel flips even a completed job to cancelled.
            if (job.state === "completed" || (job.state === "cancelled" && job.completed_at !== undefined))
              resolve(job);
            else if (job.state === "failed") reject(jobError(job as Job));
            // A cancel of a running job is undone by its executor: wait for its outcome.
            else if (job.state === "cancelled" && !heldByExecutor(job as Job)) reject(jobError(job as Job));
          },
          (error: unknown) => {
            // A read lost to an outage (timeout, drop, 5xx) ends nothing: the
            // reconnect gap or the next poll reads again.
            if (!(error instanceof DispatchError && error.retryable)) reject(error);
          },
        );
      };
      const onEvent = (event: JobEvent) => {
        // job.retrying is not the end; job.failed/job.dlq and job.completed are.
        if (event.type === "job.completed" || event.type === "job.failed" || event.type === "job.dlq")
          check();
      };
      (async () => {
        for await (const event of sub) onEvent(event);
        // The iterator ends quietly only when the client was closed.
        reject(clientClosedError());
      })().catch(reject);
      cleanups.push(client.onGap((gap) => gap.channels.includes(`job:${jobId}`) && check()));
      const poll = setInterval(check, timerDelay(pollInterval));
      cleanups.push(() => clearInterval(poll));
      if (timeout !== undefined) {
        const timer = setTimeout(
          () => reject(new TimeoutError(`job ${jobId} did not finish within ${timeout} ms`)),
          timerDelay(timeout),
        );
        cleanups.push(() => clearTimeout(timer));
      }
      if (signal) {
        const onAbort = () => reject(new AbortError(undefined, { cause: signal.reason }));
        signal.addEventListener("abort", onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener("abort", onAbort));
      }
      sub.ready.then(check, reject);
    });
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}

/**
 * Waits for every job; resolves when all have finished, with each outcome in
 * order. When one wait fails (timeout, abort, close), the others stop too.
 * Also `client.gather`.
 *
 * @example
 * ```ts
 * const outcomes = await gather(client, ids);
 * const failed = outcomes.filter((o) => o.status === "failed");
 * ```
 */
export async function gather(
  client: FanoutClient,
  jobIds: readonly string[],
  options: WaitOptions = {},
): Promise<GatherResult[]> {
  const { signal } = options;
  const aborted = abortedBy(signal);
  if (aborted) throw aborted;
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", forward, { once: true });
  try {
    const waiting = { ...options, signal: stop.signal };
    return await Promise.all(
      jobIds.map((jobId) =>
        waitForJob(client, jobId, waiting).then(
          (job): GatherResult => ({ job_id: jobId, status: "completed", job }),
          (error: unknown): GatherResult => {
            // A timeout or abort ends the whole gather rather than one entry.
            if (error instanceof DispatchError && error.code === "job_failed") {
              return { job_id: jobId, status: "failed", error };
            }
            throw error;
          },
        ),
      ),
    );
  } finally {
    signal?.removeEventListener("abort", forward);
    // Ends the waits still running once one has failed (a no-op when all finished).
    stop.abort();
  }
}

/**
 * Enqueues many jobs without waiting between them: every frame is written at
 * once and answers are matched by id. Resolves with one entry per job, in
 * order: its result, or the error it met. Nothing is retried, since enqueue
 * is not idempotent. Also `client.batch`.
 *
 * @example
 * ```ts
 * const results = await batch(client, emails.map((to) => ({ name: "send-email", payload: { to } })));
 * const ids = results.flatMap((r) => (r instanceof DispatchError ? [] : [r.job_id]));
 * ```
 */
export function batch(
  client: FanoutClient,
  jobs: readonly BatchJob[],
  options: RequestOptions = {},
): Promise<Array<EnqueueResult | DispatchError>> {
  return Promise.all(
    jobs.map((job) => {
      const { queue, priority } = job;
      const opts = {
        ...options,
        ...(queue === undefined ? {} : { queue }),
        ...(priority === undefined ? {} : { priority }),
      };
      return client.enqueue(job.name, job.payload, opts).catch((error: unknown) => {
        if (error instanceof DispatchError) return error;
        throw error;
      });
    }),
  );
}
