import { isTerminalJob, useCancelJob, useJob } from "@dispatch/react";
import { memo } from "react";
import { attemptsOf, elapsedOf } from "../lib/job-timing";
import { formatDuration, shortId } from "../lib/time";
import { useClearOnReconnect } from "../lib/use-clear-on-reconnect";
import { useNow } from "../lib/use-now";
import { StateBadge } from "./state-badge";

interface Props {
  jobId: string;
  selected: boolean;
  onSelect: (jobId: string) => void;
}

/**
 * One job, its state read from the job's query cache (live, and re-read after
 * a gap). Memoised: a new job must not re-render the hundred rows before it.
 */
export const JobRow = memo(function JobRow({ jobId, selected, onSelect }: Props) {
  const { data: job, error } = useJob(jobId);
  const cancel = useCancelJob();
  useClearOnReconnect(cancel);
  // The last read failed (a 404: a restarted dev server keeps no jobs). The state cell
  // says why; a clock running on the cached state would count for a job that may be gone.
  const gone = error !== null;
  const active = job !== undefined && !isTerminalJob(job) && !gone;
  const now = useNow(active);
  const state = job?.state ?? "loading";
  return (
    // The row is a mouse shortcut; the id button is the keyboard route to the same action.
    <tr
      className={selected ? "selected" : undefined}
      data-job-id={jobId}
      data-state={state}
      onClick={() => onSelect(jobId)}
    >
      <td>
        <button
          type="button"
          className="link"
          title={`Show job ${jobId}`}
          aria-pressed={selected}
          onClick={(e) => {
            e.stopPropagation();
            onSelect(jobId);
          }}
        >
          <span className="job-name">{job?.name ?? "…"}</span>
          <span className="muted mono">{shortId(jobId)}</span>
        </button>
      </td>
      <td>{error ? <span className="field-error">{error.message}</span> : <StateBadge state={state} />}</td>
      <td className="num hide-narrow">{job ? attemptsOf(job) : "—"}</td>
      <td className="hide-narrow">{job?.queue ?? "—"}</td>
      <td className="num mono">{job && !gone ? formatDuration(elapsedOf(job, now || Date.now())) : "—"}</td>
      <td className="actions">
        {cancel.isError && (
          <span className="field-error" role="alert">
            {cancel.error.message}
          </span>
        )}
        {job?.state === "pending" && (
          <button
            type="button"
            className="small danger"
            aria-label={`Cancel job ${jobId}`}
            disabled={cancel.isPending}
            onClick={(e) => {
              e.stopPropagation();
              cancel.mutate(jobId);
            }}
          >
            Cancel
          </button>
        )}
      </td>
    </tr>
  );
});
