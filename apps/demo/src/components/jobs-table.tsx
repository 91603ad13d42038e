import { JobRow } from "./job-row";

interface Props {
  jobIds: readonly string[];
  selected: string | undefined;
  onSelect: (jobId: string) => void;
}

/** Every job seen on the `jobs` channel (or enqueued here), newest first. */
export function JobsTable({ jobIds, selected, onSelect }: Props) {
  return (
    <section className="panel jobs" aria-labelledby="jobs-title">
      <header className="panel-head">
        <h2 id="jobs-title">Jobs</h2>
        <span className="muted">latest {jobIds.length}</span>
      </header>
      {jobIds.length === 0 ? (
        <p className="empty">No jobs yet. Enqueue one, or start a workflow.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col" className="num hide-narrow">
                  Attempts
                </th>
                <th scope="col" className="hide-narrow">
                  Queue
                </th>
                <th scope="col" className="num">
                  Elapsed
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobIds.map((id) => (
                <JobRow key={id} jobId={id} selected={id === selected} onSelect={onSelect} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
