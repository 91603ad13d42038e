import type { Job } from "@dispatch/client";
import { isTerminalJob } from "@dispatch/react";
import { timeOf } from "./time";

/**
 * Attempts started so far. Each failure counts in `retry_count` before the
 * job is retried or marked failed, so a retrying or failed job has made
 * exactly that many; a running or completed one, one more.
 */
export function attemptsOf(job: Job): number {
  switch (job.state) {
    case "pending":
      return 0;
    case "retrying":
    case "failed":
      return job.retry_count;
    case "cancelled":
      return job.started_at === undefined ? job.retry_count : job.retry_count + 1;
    default:
      return job.retry_count + 1;
  }
}

/** Time since the job was created: until now while active, until its last change once finished. */
export function elapsedOf(job: Job, now: number): number {
  const start = timeOf(job.created_at);
  const end = isTerminalJob(job) ? timeOf(job.completed_at ?? job.updated_at) : now;
  return end - start;
}
