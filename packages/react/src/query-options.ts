import { type Dispatch, DispatchError, type Job } from "@dispatch/client";
import {
  type DataTag,
  type Query,
  type QueryFunction,
  queryOptions,
  type UseQueryOptions,
} from "@tanstack/react-query";
import { createJobFeed, createRunFeed, jobFeedKey, runFeedKey } from "./feeds.js";
import { dispatchKeys } from "./keys.js";
import { liveSubscriptionsFor } from "./live-subscriptions.js";
import { isTerminalJob, reconcileJob } from "./merge/job.js";
import {
  isTerminalRun,
  reconcileWorkflow,
  stepsFromTimeline,
  type WorkflowRunData,
} from "./merge/workflow.js";

const MAX_RETRIES = 3;

/**
 * `useQuery` options whose key carries the data type, so
 * `queryClient.getQueryData(options.queryKey)` is typed too. Spelled with
 * `@tanstack/react-query`'s own exports: the inferred type names
 * `@tanstack/query-core`, which strict installers (pnpm, Yarn PnP) do not let
 * this package's users resolve, and their types would fall to `unknown`.
 *
 * @example
 * ```ts
 * const options: DispatchQueryOptions<Job> = jobQueryOptions(client, id);
 * const cached = queryClient.getQueryData(options.queryKey); // Job | undefined
 * ```
 */
export type DispatchQueryOptions<T> = Omit<UseQueryOptions<T, Error, T, readonly unknown[]>, "queryFn"> & {
  // A real function, never skipToken: useSuspenseQuery and usePrefetchQuery refuse options that may skip.
  queryFn?: QueryFunction<T, readonly unknown[], never>;
  queryKey: DataTag<readonly unknown[], T, Error>;
};

/**
 * Whether a failed read is worth another try: never for a `DispatchError`
 * that is not `retryable` (a 404 job stays missing, a 403 stays forbidden; 408
 * and 429 are retryable), up to 3 tries for anything else.
 *
 * @example
 * ```ts
 * useQuery({ queryKey, queryFn, retry: retryDispatchError });
 * ```
 */
export function retryDispatchError(failureCount: number, error: unknown): boolean {
  // A read cut off by its client's close: the provider replaced the client
  // (new url/format), and the retry runs the query function of the new one.
  if (closedClient(error)) return failureCount < MAX_RETRIES;
  if (error instanceof DispatchError && !error.retryable) return false;
  return failureCount < MAX_RETRIES;
}

const closedClient = (error: unknown): boolean => error instanceof DispatchError && error.code === "closed";

/**
 * At once after a closed client (the next attempt uses the new one), else
 * TanStack's default backoff. A read cut off by a drop is re-read when the
 * gap is reported, without waiting out the backoff (`EntityFeed.gap`).
 */
export function retryDelay(failureCount: number, error: unknown): number {
  return closedClient(error) ? 0 : Math.min(1000 * 2 ** failureCount, 30_000);
}

/** A finished entity never changes: no refetch on mount or focus. */
function staleUnlessFinished(finished: boolean): number {
  return finished ? Number.POSITIVE_INFINITY : 0;
}

// Not left to the app's defaults: with `refetchOnMount: false` a view of a
// cached, unfinished entity subscribes without reading, and what happened
// while nobody listened (no replay) would never show. Finished ones stay fresh.
const refetchOnMount = true;

/**
 * Query options that read a job, gap-free: the query function subscribes to
 * `job:<id>` before it reads (held briefly, so a `useJob` on the same id
 * shares it), then applies the events that arrived during the read on top of
 * the answer, and never lets the answer move the cached job backwards.
 *
 * @example
 * ```ts
 * const { data: job } = useQuery(jobQueryOptions(client, "job_01h…"));
 * await queryClient.prefetchQuery(jobQueryOptions(client, id));
 * ```
 */
export function jobQueryOptions<P = unknown>(client: Dispatch, jobId: string): DispatchQueryOptions<Job<P>> {
  return queryOptions({
    queryKey: dispatchKeys.job(jobId),
    queryFn: async (context): Promise<Job<P>> => {
      const live = liveSubscriptionsFor(client, context.client);
      // Subscribe first: the server handles one socket's frames in order, so
      // every change after the read below is published to us.
      const { feed, release } = live.retain(jobFeedKey(jobId), () => createJobFeed(context.client, jobId));
      try {
        // While no data is cached, the re-read an event asks for joins this
        // read in flight, so the feed does it here.
        const fetched = (await feed.read(() => client.getJob(jobId, { signal: context.signal }))) as Job<P>;
        return reconcileJob(context.client.getQueryData<Job<P>>(context.queryKey), fetched);
      } finally {
        release();
      }
    },
    retry: retryDispatchError,
    retryDelay,
    refetchOnMount,
    // A cancel is not final: a running job's executor writes its own outcome
    // over it later, and nobody may have been listening when it did.
    staleTime: (query: Query<Job<P>, Error, Job<P>, readonly unknown[]>) =>
      staleUnlessFinished(isTerminalJob(query.state.data) && query.state.data?.state !== "cancelled"),
  });
}

/**
 * Query options that read a workflow run and its timeline as
 * `{ run, steps }`, gap-free in the same way as {@link jobQueryOptions}.
 *
 * @example
 * ```ts
 * const { data } = useQuery(workflowRunQueryOptions(client, "wfrun_01h…"));
 * data?.steps.map((step) => step.name);
 * ```
 */
export function workflowRunQueryOptions<I = unknown, O = unknown>(
  client: Dispatch,
  runId: string,
): DispatchQueryOptions<WorkflowRunData<I, O>> {
  return queryOptions({
    queryKey: dispatchKeys.workflowRun(runId),
    queryFn: async (context): Promise<WorkflowRunData<I, O>> => {
      const live = liveSubscriptionsFor(client, context.client);
      const { feed, release } = live.retain(runFeedKey(runId), () => createRunFeed(context.client, runId));
      try {
        const fetched = await feed.read(async () => {
          const [run, timeline] = await Promise.all([
            client.getWorkflow<I, O>(runId, { signal: context.signal }),
            client.workflowTimeline(runId, { signal: context.signal }),
          ]);
          return { run, steps: stepsFromTimeline(timeline) };
        });
        const cached = context.client.getQueryData<WorkflowRunData>(context.queryKey);
        return reconcileWorkflow(cached, fetched) as WorkflowRunData<I, O>;
      } finally {
        release();
      }
    },
    retry: retryDispatchError,
    retryDelay,
    refetchOnMount,
    staleTime: (query: Query<WorkflowRunData<I, O>, Error, WorkflowRunData<I, O>, readonly unknown[]>) =>
      staleUnlessFinished(isTerminalRun(query.state.data?.run)),
  });
}
