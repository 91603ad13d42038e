/**
 * `@dispatch/react`: React hooks for Dispatch. Live job, workflow and channel
 * state merged into TanStack Query caches, forward only, with no gaps.
 */
export { EMPTY_LOG, type EventLog } from "./event-log.js";
export { dispatchKeys } from "./keys.js";
export { DEFAULT_LINGER_MS } from "./live-subscriptions.js";
export { applyJobEvent, compareJobProgress, isTerminalJob, reconcileJob } from "./merge/job.js";
export {
  applyWorkflowEvent,
  isTerminalRun,
  reconcileWorkflow,
  stepsFromTimeline,
  type WorkflowRunData,
  type WorkflowStep,
} from "./merge/workflow.js";
export {
  type DispatchMutationOptions,
  type EnqueueVariables,
  type PublishEventVariables,
  type StartWorkflowVariables,
  useCancelJob,
  useEnqueue,
  usePublishEvent,
  useStartWorkflow,
} from "./mutations.js";
export { DispatchProvider, type DispatchProviderProps } from "./provider.js";
export {
  type DispatchQueryOptions,
  jobQueryOptions,
  retryDispatchError,
  workflowRunQueryOptions,
} from "./query-options.js";
export { type UseChannelOptions, type UseChannelResult, useChannel } from "./use-channel.js";
export { type ConnectionView, useConnectionState } from "./use-connection-state.js";
export { useDispatch } from "./use-dispatch.js";
export { type LiveExtras, type UseJobOptions, type UseJobResult, useJob } from "./use-job.js";
export {
  type UseWorkflowRunOptions,
  type UseWorkflowRunResult,
  useWorkflowRun,
} from "./use-workflow-run.js";
