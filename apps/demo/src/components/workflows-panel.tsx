import { useChannel, usePublishEvent, useStartWorkflow } from "@dispatch/react";
import { useClearOnReconnect } from "../lib/use-clear-on-reconnect";
import { useIdList } from "../lib/use-id-list";
import { WorkflowRun } from "./workflow-run";

/**
 * Starts `order-pipeline` runs and releases them. `workflow.start` answers
 * only once a run has finished, so runs are found on the `workflows` channel.
 */
export function WorkflowsPanel() {
  const runs = useIdList(8);
  useChannel("workflows", { limit: 1, onEvent: (event) => runs.add(event.data.run_id) });
  const start = useStartWorkflow();
  const publish = usePublishEvent();
  useClearOnReconnect(start, publish);
  return (
    <section className="panel workflows" aria-labelledby="workflows-title">
      <header className="panel-head">
        <h2 id="workflows-title">Workflows</h2>
      </header>
      <div className="button-row">
        <button
          type="button"
          className="primary"
          onClick={() => start.mutate({ name: "order-pipeline", input: { total: 42, currency: "EUR" } })}
        >
          Start order-pipeline
        </button>
        <button
          type="button"
          onClick={() => publish.mutate({ name: "payment-received", payload: { amount: 42 } })}
        >
          Send payment-received
        </button>
      </div>
      {(start.isError || publish.isError) && (
        <p className="field-error" role="alert">
          {start.error?.message ?? publish.error?.message}
        </p>
      )}
      <p className="form-status" role="status">
        {/* The server keeps an event nobody waits for: the next run to wait for it goes on at once. */}
        {publish.isSuccess &&
          `Sent ${publish.data.name}: a run waiting for it goes on, or else the next one to wait for it.`}
      </p>
      {runs.ids.length === 0 ? (
        <p className="empty">No runs yet.</p>
      ) : (
        <ul className="runs">
          {runs.ids.map((id) => (
            <WorkflowRun key={id} runId={id} />
          ))}
        </ul>
      )}
    </section>
  );
}
