import { DispatchError, type Run, type WorkflowEvent } from "@dispatch/client";
import { type UseQueryResult, useQuery, useQueryClient } from "@tanstack/react-query";
import { eventLogQueryOptions } from "./event-log.js";
import { createRunFeed, runFeedKey } from "./feeds.js";
import { dispatchKeys } from "./keys.js";
import { isTerminalRun, type WorkflowRunData, type WorkflowStep } from "./merge/workflow.js";
import { workflowRunQueryOptions } from "./query-options.js";
import { useDispatch } from "./use-dispatch.js";
import type { LiveExtras } from "./use-job.js";
import { useLiveFeed } from "./use-live-feed.js";

/** Options of `useWorkflowRun`. */
export interface UseWorkflowRunOptions {
  /** Read and subscribe only when `true`. Default `true`. */
  enabled?: boolean | undefined;
  /** Release the subscription once the run finished. Default `true`. */
  stopOnTerminal?: boolean | undefined;
  /** Called with each event of the run as it arrives (not batched). */
  onEvent?: ((event: WorkflowEvent) => void) | undefined;
}

/** What `useWorkflowRun` returns: the query result for `{ run, steps }`, flattened, plus live extras. */
export type UseWorkflowRunResult<I = unknown, O = unknown> = UseQueryResult<WorkflowRunData<I, O>, Error> &
  LiveExtras<WorkflowEvent> & {
    /** The run, once read. */
    run: Run<I, O> | undefined;
    /** Steps in the order they happened, from the timeline and step events. */
    steps: readonly WorkflowStep[];
  };

const NO_STEPS: readonly WorkflowStep[] = Object.freeze([]);

/**
 * A workflow run and its steps, kept live by its `workflow:<id>`
 * subscription: step events add steps as they happen, and the run is read
 * again when it completes or fails (for its final fields and checkpoints).
 *
 * @example
 * ```tsx
 * function RunView({ runId }: { runId: string }) {
 *   const { run, steps } = useWorkflowRun(runId);
 *   return (
 *     <ol title={run?.state}>
 *       {steps.map((step) => <li key={step.name}>{step.name}: {step.status}</li>)}
 *     </ol>
 *   );
 * }
 * ```
 */
export function useWorkflowRun<I = unknown, O = unknown>(
  runId: string | null | undefined,
  options: UseWorkflowRunOptions = {},
): UseWorkflowRunResult<I, O> {
  const { enabled = true, stopOnTerminal = true, onEvent } = options;
  const client = useDispatch();
  const queryClient = useQueryClient();
  const id = runId ?? "";
  const active = enabled && id !== "";
  const query = useQuery({ ...workflowRunQueryOptions<I, O>(client, id), enabled: active });
  const finished = stopOnTerminal && isTerminalRun(query.data?.run);
  const refused = query.error instanceof DispatchError && !query.error.retryable;
  const { isLive, error: liveError } = useLiveFeed(
    active && !finished && !refused ? runFeedKey(id) : undefined,
    () => createRunFeed(queryClient, id),
    onEvent,
  );
  const log = useQuery(
    eventLogQueryOptions<WorkflowEvent>(queryClient, dispatchKeys.workflowEvents(id), active),
  );
  return {
    ...query,
    run: query.data?.run,
    steps: query.data?.steps ?? NO_STEPS,
    events: log.data.events,
    lastEventAt: log.data.lastEventAt,
    isLive,
    liveError,
  };
}
