import type { Job, JobEvent, JobState } from "@dispatch/client";
import { latest, timeOf } from "./time.js";

/*
 * Forward-only merging of job events and refetched jobs.
 *
 * Events and reads race: an event can arrive twice, late, out of order, or
 * while a `job.get` is in flight whose answer is older than the event. None of
 * that may move a job backwards (completed → running). The rule:
 *
 * 1. A job's progress is the pair (retry_count, phase), compared in that
 *    order, with phase 0 = pending/retrying (waiting for an attempt), 1 =
 *    running, 2 = completed/failed/cancelled. A lifecycle legitimately cycles
 *    running → retrying → running, and each retry raises retry_count, so the
 *    pair only ever grows: running(0) < retrying(1) < running(1) < completed(1).
 * 2. An event applies only if it moves the job strictly forward:
 *    - `job.retrying` carries its attempt (the new retry_count): it applies
 *      iff attempt > retry_count. Duplicates and late copies never do.
 *    - `job.started` carries no attempt: it starts the attempt the job waits
 *      for, so it applies only to a pending/retrying job, and only when its
 *      `ts` is not older than the moment the job started waiting (a late
 *      `started` of the previous attempt is older than the `retrying` that
 *      followed it).
 *    - `job.completed`, `job.failed`, `job.dlq` apply to any job not yet
 *      finished.
 *    - `job.enqueued` carries nothing a job object lacks.
 * 3. `completed` and `failed` absorb every event. `cancelled` is special: the
 *    server publishes no event for a cancel, and a running job's executor
 *    later writes its own outcome over the cancel (and publishes it). So a
 *    cancelled job takes an event only when the event is newer than the
 *    cancel, and even then only by rule 2.
 * 4. A refetched server object wins whenever it is not behind the cache by
 *    rule 1 (equal progress: the server's copy is fresher in every other field,
 *    and between two finished states the server is the truth: a cancel after
 *    completion, an executor's write after a cancel).
 */

const PHASE: Record<JobState, number> = {
  pending: 0,
  retrying: 0,
  running: 1,
  completed: 2,
  failed: 2,
  cancelled: 2,
};

/**
 * Whether a job has finished: `completed`, `failed` or `cancelled`.
 *
 * @example
 * ```ts
 * if (isTerminalJob(job)) showResult(job);
 * ```
 */
export function isTerminalJob(job: Pick<Job, "state"> | undefined): boolean {
  return job !== undefined && PHASE[job.state] === 2;
}

/**
 * -1, 0 or 1 as `a`'s progress is behind, level with or ahead of `b`'s (rule 1).
 * States alone do not order jobs: a `retrying` job whose `retry_count` is
 * higher is ahead of a `running` one, and two finished states are level.
 *
 * @example
 * ```ts
 * if (compareJobProgress(fetched, cached) < 0) return cached; // an event overtook the read
 * ```
 */
export function compareJobProgress(a: Job<unknown>, b: Job<unknown>): number {
  if (a.retry_count !== b.retry_count) return a.retry_count < b.retry_count ? -1 : 1;
  return Math.sign(PHASE[a.state] - PHASE[b.state]);
}

/** When the job entered its current state, as well as its fields tell. */
function stateTime(job: Job<unknown>): number {
  return latest(job.updated_at, job.started_at, job.completed_at);
}

/**
 * Applies one event to a cached job, forward only (see the rule above).
 * Returns `prev` itself when the event changes nothing, so React skips the
 * render; `undefined` stays `undefined` (an event alone is not a job).
 *
 * @example
 * ```ts
 * const next = applyJobEvent(job, { type: "job.completed", ts, topic: `job:${job.id}`, data });
 * next?.state; // "completed", unless job had already finished
 * ```
 */
export function applyJobEvent<P = unknown>(prev: Job<P> | undefined, event: JobEvent): Job<P> | undefined {
  if (prev === undefined || event.data.job_id !== prev.id) return prev;
  if (prev.state === "completed" || prev.state === "failed") return prev;
  const ts = timeOf(event.ts);
  if (prev.state === "cancelled" && !(ts > stateTime(prev))) return prev;
  const { data } = event;
  switch (event.type) {
    case "job.started":
      if (prev.state !== "pending" && prev.state !== "retrying") return prev;
      if (ts < stateTime(prev)) return prev;
      return { ...prev, state: "running", started_at: event.ts };
    case "job.retrying": {
      const attempt = data.attempt ?? (prev.state === "running" ? prev.retry_count + 1 : undefined);
      if (attempt === undefined || attempt <= prev.retry_count) return prev;
      return {
        ...prev,
        state: "retrying",
        retry_count: attempt,
        run_at: data.next_run_at ?? prev.run_at,
        updated_at: event.ts,
        ...(data.error !== undefined && { last_error: data.error }),
      };
    }
    case "job.completed":
      return { ...prev, state: "completed", completed_at: event.ts, updated_at: event.ts };
    case "job.failed":
    case "job.dlq":
      return {
        ...prev,
        state: "failed",
        updated_at: event.ts,
        ...(data.error !== undefined && { last_error: data.error }),
      };
    default:
      return prev;
  }
}

/**
 * Reconciles a job read from the server with the cached one: the server's
 * copy wins unless it is behind the cache (rule 4), which happens when an
 * event overtook the read.
 *
 * @example
 * ```ts
 * queryClient.setQueryData(dispatchKeys.job(id), (cached) => reconcileJob(cached, await client.getJob(id)));
 * ```
 */
export function reconcileJob<P = unknown>(cached: Job<P> | undefined, fetched: Job<P>): Job<P> {
  if (cached === undefined || cached.id !== fetched.id) return fetched;
  return compareJobProgress(fetched, cached) < 0 ? cached : fetched;
}
