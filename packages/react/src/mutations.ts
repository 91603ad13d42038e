import type {
  CancelResult,
  EnqueueOptions,
  EnqueueResult,
  Job,
  PublishEventResult,
  Run,
  StartWorkflowResult,
} from "@dispatch/client";
import {
  type UseMutationOptions,
  type UseMutationResult,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import { dispatchKeys } from "./keys.js";
import type { WorkflowRunData } from "./merge/workflow.js";
import { useDispatch } from "./use-dispatch.js";

/** Mutation options a caller may add (everything but `mutationFn`). */
export type DispatchMutationOptions<TData, TVariables> = Omit<
  UseMutationOptions<TData, Error, TVariables>,
  "mutationFn"
>;

/** Variables of `useEnqueue().mutate`. */
export interface EnqueueVariables extends Pick<EnqueueOptions, "queue" | "priority" | "timeout"> {
  name: string;
  payload?: unknown | undefined;
}

/** Variables of `useStartWorkflow().mutate`. */
export interface StartWorkflowVariables {
  name: string;
  input?: unknown | undefined;
}

/** Variables of `usePublishEvent().mutate`. */
export interface PublishEventVariables {
  name: string;
  payload?: unknown | undefined;
}

/** Runs our cache seeding, then the caller's own `onSuccess`. */
function withSeed<TData, TVariables>(
  options: DispatchMutationOptions<TData, TVariables> | undefined,
  seed: (data: TData, variables: TVariables) => void,
): DispatchMutationOptions<TData, TVariables> {
  return {
    ...options,
    onSuccess: (data, variables, onMutateResult, context) => {
      seed(data, variables);
      return options?.onSuccess?.(data, variables, onMutateResult, context);
    },
  };
}

const now = (): string => new Date().toISOString();

/**
 * Enqueues a job. On success the new job is in the cache as `pending` (built
 * from the request and the answer), so `useJob(result.job_id)` renders at
 * once instead of loading. Fields the answer does not carry (`max_retries`,
 * times) are local guesses until the job is read or its first event lands.
 *
 * @example
 * ```tsx
 * const enqueue = useEnqueue();
 * const [jobId, setJobId] = useState<string>();
 * <button onClick={() => enqueue.mutate({ name: "send-email", payload: { to } }, { onSuccess: (r) => setJobId(r.job_id) })} />
 * ```
 */
export function useEnqueue(
  options?: DispatchMutationOptions<EnqueueResult, EnqueueVariables>,
): UseMutationResult<EnqueueResult, Error, EnqueueVariables> {
  const client = useDispatch();
  const queryClient = useQueryClient();
  return useMutation({
    ...withSeed(options, (result: EnqueueResult, variables: EnqueueVariables) => {
      const at = now();
      const seeded: Job = {
        id: result.job_id,
        name: variables.name,
        queue: result.queue,
        payload: variables.payload ?? null,
        state: result.state,
        priority: variables.priority ?? 0,
        max_retries: 0,
        retry_count: 0,
        run_at: at,
        created_at: at,
        updated_at: at,
      };
      // An event or a read may already have put a fresher copy there.
      queryClient.setQueryData<Job>(dispatchKeys.job(result.job_id), (cached) => cached ?? seeded);
    }),
    mutationFn: ({ name, payload, ...rest }: EnqueueVariables) => client.enqueue(name, payload, rest),
  });
}

/**
 * Cancels a job. The server publishes no event for a cancel, so on success
 * the cached job is set to `cancelled` here, then read again: a running job's
 * executor may still write its own outcome over the cancel.
 *
 * @example
 * ```tsx
 * const cancel = useCancelJob();
 * <button disabled={cancel.isPending} onClick={() => cancel.mutate(jobId)}>Cancel</button>
 * ```
 */
export function useCancelJob(
  options?: DispatchMutationOptions<CancelResult, string>,
): UseMutationResult<CancelResult, Error, string> {
  const client = useDispatch();
  const queryClient = useQueryClient();
  return useMutation({
    ...withSeed(options, (_result: CancelResult, jobId: string) => {
      const key = dispatchKeys.job(jobId);
      queryClient.setQueryData<Job>(key, (cached) =>
        cached === undefined ? cached : { ...cached, state: "cancelled" },
      );
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
    }),
    mutationFn: (jobId: string) => client.cancelJob(jobId),
  });
}

/**
 * Starts a workflow. The server answers only once the run has finished (or
 * failed), so this resolves late; to follow a run while it runs, watch
 * `useChannel("workflows")` for its `workflow.started`. On success the run is
 * seeded into the cache with its final state and marked stale, so
 * `useWorkflowRun(result.run_id)` renders at once and reads its steps.
 *
 * @example
 * ```tsx
 * const start = useStartWorkflow();
 * <button onClick={() => start.mutate({ name: "order-pipeline", input: { total: 42 } })}>Order</button>
 * ```
 */
export function useStartWorkflow(
  options?: DispatchMutationOptions<StartWorkflowResult, StartWorkflowVariables>,
): UseMutationResult<StartWorkflowResult, Error, StartWorkflowVariables> {
  const client = useDispatch();
  const queryClient = useQueryClient();
  return useMutation({
    ...withSeed(options, (result: StartWorkflowResult, variables: StartWorkflowVariables) => {
      const at = now();
      const run: Run = {
        id: result.run_id,
        name: result.name,
        state: result.state,
        ...(variables.input !== undefined && { input: variables.input }),
        started_at: at,
        created_at: at,
        updated_at: at,
      };
      const key = dispatchKeys.workflowRun(result.run_id);
      queryClient.setQueryData<WorkflowRunData>(key, (cached) => cached ?? { run, steps: [] });
      void queryClient.invalidateQueries({ queryKey: key, exact: true, refetchType: "active" });
    }),
    mutationFn: ({ name, input }: StartWorkflowVariables) => client.startWorkflow(name, input),
  });
}

/**
 * Publishes a workflow event, releasing the runs waiting for `name` (their
 * step events then arrive on their own). The result is cached under
 * `dispatchKeys.event(event_id)`.
 *
 * @example
 * ```tsx
 * const publish = usePublishEvent();
 * <button onClick={() => publish.mutate({ name: "payment-received", payload: { amount: 42 } })}>Paid</button>
 * ```
 */
export function usePublishEvent(
  options?: DispatchMutationOptions<PublishEventResult, PublishEventVariables>,
): UseMutationResult<PublishEventResult, Error, PublishEventVariables> {
  const client = useDispatch();
  const queryClient = useQueryClient();
  return useMutation({
    ...withSeed(options, (result: PublishEventResult) => {
      queryClient.setQueryData(dispatchKeys.event(result.event_id), result);
    }),
    mutationFn: ({ name, payload }: PublishEventVariables) => client.publishEvent(name, payload),
  });
}
