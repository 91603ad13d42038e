import type { Format } from "@dispatch/client";
import { useChannel } from "@dispatch/react";
import { useCallback, useState } from "react";
import { useIdList } from "../lib/use-id-list";
import { ConnectionBadge } from "./connection-badge";
import { EnqueueForm } from "./enqueue-form";
import { EventStream } from "./event-stream";
import { JobDetail } from "./job-detail";
import { JobsTable } from "./jobs-table";
import { StatsPanel } from "./stats-panel";
import { WorkflowsPanel } from "./workflows-panel";

interface Props {
  format: Format;
  onFormatChange: (format: Format) => void;
  serverUrl: string;
}

/** The page: header, then panels on a grid that folds to one column on narrow screens. */
export function Dashboard({ format, onFormatChange, serverUrl }: Props) {
  const jobs = useIdList(100);
  useChannel("jobs", { limit: 1, onEvent: (event) => jobs.add(event.data.job_id) });
  const [selected, setSelected] = useState<string>();
  // The row's button is a toggle (aria-pressed): pressed again, it closes the detail.
  // Stable, so a new job does not re-render the memoised rows.
  const toggle = useCallback(
    (jobId: string) => setSelected((open) => (open === jobId ? undefined : jobId)),
    [],
  );
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          Dispatch <span className="muted">live dashboard</span>
        </h1>
        <ConnectionBadge format={format} onFormatChange={onFormatChange} serverUrl={serverUrl} />
      </header>
      <main className="grid">
        <div className="col col-left">
          <section className="panel" aria-labelledby="enqueue-title">
            <header className="panel-head">
              <h2 id="enqueue-title">Enqueue</h2>
            </header>
            <EnqueueForm onEnqueued={jobs.add} />
          </section>
          <WorkflowsPanel />
        </div>
        <div className="col col-main">
          <JobsTable jobIds={jobs.ids} selected={selected} onSelect={toggle} />
          {selected !== undefined && (
            <JobDetail
              jobId={selected}
              onClose={() => {
                setSelected(undefined);
                // Keyboard focus goes back to the row it came from, not to the page.
                document.querySelector<HTMLElement>(`[data-job-id="${selected}"] button.link`)?.focus();
              }}
            />
          )}
        </div>
        <div className="col col-right">
          <StatsPanel />
          <EventStream />
        </div>
      </main>
    </div>
  );
}
