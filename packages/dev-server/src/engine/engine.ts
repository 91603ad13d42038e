/**
 * `createEngine`: the job pool, workflow runner and event bus behind one
 * `Engine`, publishing every lifecycle event the Go broker would.
 */
import { EventBus } from "./event-bus.js";
import { nowRFC3339Nano } from "./go-time.js";
import { JobScheduler } from "./jobs.js";
import type { Engine, EngineOptions, StreamEvent, StreamEventType } from "./types.js";
import { WorkflowRunner } from "./workflows.js";

/**
 * Go's default backoff (backoff.DefaultStrategy): exponential with full
 * jitter, `random * min(1 s * 2^(attempt-1), 60 s)`, in ms.
 */
export function goDefaultBackoff(attempt: number): number {
  return Math.random() * Math.min(1000 * 2 ** (attempt - 1), 60_000);
}

/** Creates an engine; jobs start running as soon as they are enqueued. */
export function createEngine(options: EngineOptions = {}): Engine {
  const listeners = new Set<(event: StreamEvent) => void>();
  let closed = false;

  const emit = (type: StreamEventType, topic: string, data: Record<string, unknown>): void => {
    // The Go broker closes its subscribers on shutdown: nothing after close().
    if (closed) return;
    // The broker's hooks stamp each event with time.Now().UTC() as they publish it.
    const event: StreamEvent = { type, ts: nowRFC3339Nano(), topic, data };
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        // ext.Registry logs a failing hook and carries on with the others.
        console.error("dispatch dev-server: event listener failed", err);
      }
    }
  };

  const bus = new EventBus();
  const jobs = new JobScheduler({
    handlers: options.jobs ?? {},
    concurrency: options.concurrency ?? 10,
    backoff: options.backoff ?? goDefaultBackoff,
    maxRetries: options.maxRetries ?? 3,
    queues: options.queues ?? ["default"],
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
    staleJobThresholdMs: options.staleJobThresholdMs ?? 30_000,
    emit,
  });
  const workflows = new WorkflowRunner(options.workflows ?? {}, bus, emit);

  return {
    enqueue: (req) => jobs.enqueue(req),
    getJob: (id) => jobs.get(id),
    cancelJob: (id) => jobs.cancel(id),
    startWorkflow: (name, input, scope, signal) => workflows.start(name, input, scope, signal),
    getRun: (id) => workflows.get(id),
    timeline: (runId) => workflows.timeline(runId),
    publishEvent: (name, payload, scope) => {
      const event = bus.publish(name, payload, scope);
      return { event_id: event.id, name: event.name };
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close: () => {
      if (closed) return;
      closed = true;
      jobs.close();
      workflows.close();
    },
  };
}
