import { dispatchKeys, useJob } from "@dispatch/react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { historyOf } from "../lib/job-history";
import { attemptsOf } from "../lib/job-timing";
import { clockTime } from "../lib/time";
import { StateBadge } from "./state-badge";

function payloadText(payload: unknown): string {
  return payload === undefined || payload === null ? "null" : JSON.stringify(payload, null, 2);
}

/** The selected job: fields, payload, state history and last error, live through `useJob`. */
export function JobDetail({ jobId, onClose }: { jobId: string; onClose: () => void }) {
  const { data: job, events, isLive, error } = useJob(jobId);
  const queryClient = useQueryClient();
  useEffect(() => {
    // A job that finished through events alone was never re-read: events do not
    // carry every field (a retry's error, for one). Opening the detail reads it.
    void queryClient.invalidateQueries({ queryKey: dispatchKeys.job(jobId), exact: true });
  }, [queryClient, jobId]);
  return (
    <section className="panel detail" aria-labelledby="detail-title" data-detail-job={jobId}>
      <header className="panel-head">
        <h2 id="detail-title">
          {job?.name ?? "Job"} <span className="muted mono small-text">{jobId}</span>
        </h2>
        <button type="button" className="small" onClick={onClose} aria-label="Close job details">
          Close
        </button>
      </header>
      {error && <p className="field-error">{error.message}</p>}
      {job && (
        <>
          <dl className="facts">
            <dt>State</dt>
            <dd>
              <StateBadge state={job.state} /> {isLive && <span className="live-tag">live</span>}
            </dd>
            <dt>Queue</dt>
            <dd>{job.queue}</dd>
            <dt>Priority</dt>
            <dd>{job.priority}</dd>
            <dt>Attempts</dt>
            <dd>{attemptsOf(job)}</dd>
          </dl>
          <h3>Payload</h3>
          <pre className="code">{payloadText(job.payload)}</pre>
          <h3>State history</h3>
          <ol className="history">
            {historyOf(job, events).map((entry) => (
              <li key={entry.key}>
                <span className="mono muted">{clockTime(entry.at)}</span> <strong>{entry.what}</strong>
                {entry.detail && <span className="muted"> · {entry.detail}</span>}
              </li>
            ))}
          </ol>
          <h3>Last error</h3>
          {job.last_error ? (
            <pre className="code error-text">{job.last_error}</pre>
          ) : (
            <p className="muted">None</p>
          )}
        </>
      )}
    </section>
  );
}
