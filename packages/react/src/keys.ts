import type { Channel } from "@dispatch/client";

/**
 * Query keys for everything this package caches. Every key starts with
 * `"dispatch"`, so `invalidateQueries({ queryKey: dispatchKeys.all })` reaches
 * them all, and `dispatchKeys.job(id)` also covers that job's event list.
 *
 * @example
 * ```ts
 * queryClient.getQueryData(dispatchKeys.job("job_01h…")); // the cached Job
 * queryClient.invalidateQueries({ queryKey: dispatchKeys.jobs() });
 * ```
 */
export const dispatchKeys = {
  all: ["dispatch"] as const,
  jobs: () => ["dispatch", "job"] as const,
  /** The `Job` (`useJob`, `jobQueryOptions`). */
  job: (jobId: string) => ["dispatch", "job", jobId] as const,
  /** The job's events, as `useJob().events` shows them. */
  jobEvents: (jobId: string) => ["dispatch", "job", jobId, "events"] as const,
  workflows: () => ["dispatch", "workflow"] as const,
  /** `{ run, steps }` (`useWorkflowRun`, `workflowRunQueryOptions`). */
  workflowRun: (runId: string) => ["dispatch", "workflow", runId] as const,
  /** The run's events, as `useWorkflowRun().events` shows them. */
  workflowEvents: (runId: string) => ["dispatch", "workflow", runId, "events"] as const,
  /** The shared event buffer of one channel (`useChannel`). */
  channel: (channel: Channel) => ["dispatch", "channel", channel] as const,
  /** A published workflow event's result (`usePublishEvent`). */
  event: (eventId: string) => ["dispatch", "event", eventId] as const,
};
