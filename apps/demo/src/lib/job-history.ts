import type { Job, JobEvent } from "@dispatch/client";
import { isTerminalJob } from "@dispatch/react";
import { timeOf } from "./time";

export interface HistoryEntry {
  key: string;
  what: string;
  at: string | undefined;
  detail?: string | undefined;
}

/**
 * Whether the start `started_at` records is among `events`. The latest
 * attempt became due at `run_at` (a retry moves it past the earlier
 * attempts), so its start is the one at or after it; before any retry, any
 * start is. A job waiting out a retry still holds the previous attempt's
 * `started_at`, from before `run_at`: then any start seen stands for it.
 */
function sawRecordedStart(job: Job, events: readonly JobEvent[]): boolean {
  const due = timeOf(job.run_at);
  const anyStart = job.retry_count === 0 || Number.isNaN(due) || timeOf(job.started_at) < due;
  return events.some((e) => e.type === "job.started" && (anyStart || timeOf(e.ts) >= due));
}

/**
 * The events seen live, completed by the milestones the job's own fields
 * record for what happened before its subscription (or during a gap). The
 * server keeps only the latest attempt's `started_at`: an earlier attempt's
 * start that was never seen has no time to show.
 */
export function historyOf(job: Job, events: readonly JobEvent[]): HistoryEntry[] {
  const entries: HistoryEntry[] = events.map((e, i) => ({
    key: `${i}-${e.type}`,
    what: e.type.replace("job.", ""),
    at: e.ts,
    detail: e.data.error ?? (e.data.attempt === undefined ? undefined : `attempt ${e.data.attempt}`),
  }));
  const has = (type: JobEvent["type"]): boolean => events.some((e) => e.type === type);
  if (!has("job.enqueued")) entries.push({ key: "created", what: "enqueued", at: job.created_at });
  if (job.started_at && !sawRecordedStart(job, events))
    entries.push({ key: "started", what: "started", at: job.started_at });
  const finished = has("job.completed") || has("job.failed") || has("job.dlq");
  if (!finished && isTerminalJob(job)) {
    entries.push({ key: "finished", what: job.state, at: job.completed_at ?? job.updated_at });
  }
  return entries.sort((a, b) => timeOf(a.at) - timeOf(b.at));
}
