import { DispatchError, type Job, type JobEvent } from "@dispatch/client";
import { type UseQueryResult, useQuery, useQueryClient } from "@tanstack/react-query";
import { type EventLog, eventLogQueryOptions } from "./event-log.js";
import { createJobFeed, jobFeedKey } from "./feeds.js";
import { dispatchKeys } from "./keys.js";
import { isTerminalJob } from "./merge/job.js";
import { jobQueryOptions } from "./query-options.js";
import { useDispatch } from "./use-dispatch.js";
import { useLiveFeed } from "./use-live-feed.js";

/** Options of `useJob`. */
export interface UseJobOptions {
  /** Read and subscribe only when `true`. Default `true`. */
  enabled?: boolean | undefined;
  /** Release the subscription once the job completed or failed (not on a cancel, which the Go executor may overwrite). Default `true`. */
  stopOnTerminal?: boolean | undefined;
  /** Called with each event of the job as it arrives (not batched). */
  onEvent?: ((event: JobEvent) => void) | undefined;
}

/** What live hooks add to a query result. */
export interface LiveExtras<E> {
  /** The entity's events, oldest first, duplicates dropped. */
  events: readonly E[];
  /** Subscribed, confirmed by the server, on an open connection. */
  isLive: boolean;
  /**
   * Why it is not live when the read worked: the server refused the
   * subscription (a `DispatchError` with code 403 for a token with
   * `job:read` but not `subscribe`). Tried again each session; `undefined`
   * once live. The read's own failure is `error`.
   */
  liveError: Error | undefined;
  /** `Date.now()` when the last event arrived. */
  lastEventAt: number | undefined;
}

/** What `useJob` returns: the TanStack Query result for the `Job`, plus live extras. */
export type UseJobResult<P = unknown> = UseQueryResult<Job<P>, Error> & LiveExtras<JobEvent>;

/** A 4xx will not change by itself: no point holding a subscription for it. */
const refused = (error: Error | null): boolean => error instanceof DispatchError && !error.retryable;

/**
 * A job, read once and kept live by its `job:<id>` subscription: each event
 * is merged into the cached `Job` (forward only), so every component showing
 * the job renders the same state. A missing job (404) is a query error.
 *
 * @example
 * ```tsx
 * function JobStatus({ id }: { id: string }) {
 *   const { data: job, error, isLive } = useJob(id);
 *   if (error) return <p>{error.message}</p>;
 *   if (!job) return <p>Loading…</p>;
 *   return <p>{job.state}{isLive ? " (live)" : ""}</p>;
 * }
 * ```
 */
export function useJob<P = unknown>(
  jobId: string | null | undefined,
  options: UseJobOptions = {},
): UseJobResult<P> {
  const { enabled = true, stopOnTerminal = true, onEvent } = options;
  const client = useDispatch();
  const queryClient = useQueryClient();
  const id = jobId ?? "";
  const active = enabled && id !== "";
  const query = useQuery({ ...jobQueryOptions<P>(client, id), enabled: active });
  // `cancelled` is not final on the Go server: a job cancelled while running is
  // overwritten by its executor's outcome (and that is published), so keep
  // listening for it.
  const finished = stopOnTerminal && isTerminalJob(query.data) && query.data?.state !== "cancelled";
  const wanted = active && !finished && !refused(query.error);
  const { isLive, error: liveError } = useLiveFeed(
    wanted ? jobFeedKey(id) : undefined,
    () => createJobFeed(queryClient, id),
    onEvent,
  );
  const log = useQuery(eventLogQueryOptions<JobEvent>(queryClient, dispatchKeys.jobEvents(id), active));
  const events: EventLog<JobEvent> = log.data;
  return { ...query, events: events.events, lastEventAt: events.lastEventAt, isLive, liveError };
}
