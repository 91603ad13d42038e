import { useConnectionState, useEnqueue } from "@dispatch/react";
import { type FormEvent, useId, useState } from "react";
import { DEMO_JOBS, type DemoJobName, examplePayload } from "../lib/demo-jobs";
import { useClearOnReconnect } from "../lib/use-clear-on-reconnect";

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function parsePayload(text: string): Parsed {
  if (text.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Enqueues one of the demo jobs; `onEnqueued` gets its id. */
export function EnqueueForm({ onEnqueued }: { onEnqueued: (jobId: string) => void }) {
  const id = useId();
  const [name, setName] = useState<DemoJobName>("send-email");
  const [queue, setQueue] = useState("default");
  const [priority, setPriority] = useState("0");
  const [payload, setPayload] = useState(() => examplePayload("send-email"));
  const enqueue = useEnqueue({ onSuccess: (result) => onEnqueued(result.job_id) });
  useClearOnReconnect(enqueue);
  const { state } = useConnectionState();
  const parsed = parsePayload(payload);
  const priorityValue = Number(priority);
  // The server applies only priorities above 0; the client refuses negative ones.
  const priorityOk = priority.trim() !== "" && Number.isSafeInteger(priorityValue) && priorityValue >= 0;
  const queueOk = queue.trim() !== "";

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!parsed.ok || !priorityOk || !queueOk) return;
    enqueue.mutate({ name, payload: parsed.value, queue: queue.trim(), priority: priorityValue });
  };

  return (
    <form className="enqueue-form" onSubmit={submit} noValidate>
      <label htmlFor={`${id}-name`}>Job</label>
      <select
        id={`${id}-name`}
        value={name}
        onChange={(e) => {
          const next = e.target.value as DemoJobName;
          setName(next);
          setPayload(examplePayload(next));
        }}
      >
        {DEMO_JOBS.map((job) => (
          <option key={job.name} value={job.name}>
            {job.name}
          </option>
        ))}
      </select>
      <div className="row-2">
        <div>
          <label htmlFor={`${id}-queue`}>Queue</label>
          <input
            id={`${id}-queue`}
            value={queue}
            aria-invalid={!queueOk}
            aria-describedby={queueOk ? undefined : `${id}-queue-error`}
            onChange={(e) => setQueue(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-priority`}>Priority</label>
          <input
            id={`${id}-priority`}
            type="number"
            min={0}
            step={1}
            value={priority}
            aria-invalid={!priorityOk}
            aria-describedby={priorityOk ? undefined : `${id}-priority-error`}
            onChange={(e) => setPriority(e.target.value)}
          />
        </div>
      </div>
      {!queueOk && (
        <p id={`${id}-queue-error`} className="field-error">
          Queue must not be empty.
        </p>
      )}
      {!priorityOk && (
        <p id={`${id}-priority-error`} className="field-error">
          Priority must be a whole number, 0 or more.
        </p>
      )}
      <label htmlFor={`${id}-payload`}>Payload (JSON)</label>
      <textarea
        id={`${id}-payload`}
        rows={4}
        spellCheck={false}
        value={payload}
        aria-invalid={!parsed.ok}
        aria-describedby={parsed.ok ? undefined : `${id}-payload-error`}
        onChange={(e) => setPayload(e.target.value)}
      />
      {/* Described, not an alert: an alert would interrupt the screen reader at every keystroke of JSON being typed. */}
      {!parsed.ok && (
        <p id={`${id}-payload-error`} className="field-error">
          Invalid JSON: {parsed.error}
        </p>
      )}
      {/* Disabled while a call is out: clicks during an outage would each enqueue a job once it is back. */}
      <button
        type="submit"
        className="primary"
        disabled={!parsed.ok || !priorityOk || !queueOk || enqueue.isPending}
        aria-busy={enqueue.isPending}
      >
        Enqueue job
      </button>
      <p className="form-status" role="status">
        {/* A call made while disconnected waits for the session (up to its timeout): say so, or the busy button looks stuck. */}
        {enqueue.isPending && state !== "open" && "Waiting for the connection…"}
        {enqueue.isError && <span className="field-error">{enqueue.error.message}</span>}
        {enqueue.isSuccess && (
          <>
            Enqueued <code data-enqueued-job={enqueue.data.job_id}>{enqueue.data.job_id}</code>
          </>
        )}
      </p>
    </form>
  );
}
