/**
 * Workflow runs, checkpoints and the `WorkflowContext` handlers drive, after
 * Go's workflow.Runner / workflow.Workflow on the memory store.
 */
import { goMarshal } from "../codecs/go-json-encode.js";
import { EMPTY, errorMessage, eventCheckpoint, eventPayload, parseJson, utf8 } from "./checkpoint-data.js";
import type { EventBus, StoredEvent } from "./event-bus.js";
import { goQuote } from "./go-quote.js";
import { clockNanos, elapsedMsSince, monotonicNanos } from "./go-time.js";
import type { Emit } from "./job-record.js";
import { setLongTimeout } from "./long-timer.js";
import {
  type CheckpointRecord,
  type RunRecord,
  runToWire,
  timelineToWire,
  workflowEventData,
} from "./run-record.js";
import { newTypeId } from "./type-id.js";
import {
  EngineError,
  type RunWire,
  type Scope,
  type TimelineEntryWire,
  type WorkflowContext,
  type WorkflowEvent,
  type WorkflowHandler,
} from "./types.js";

/** Runs registered workflows to completion and keeps their runs and checkpoints. */
export class WorkflowRunner {
  private readonly runs = new Map<string, RunRecord>();
  private readonly checkpoints = new Map<string, Map<string, CheckpointRecord>>();
  private readonly controllers = new Set<AbortController>();

  constructor(
    private readonly handlers: Record<string, WorkflowHandler>,
    private readonly bus: EventBus,
    private readonly emit: Emit,
  ) {}

  /** Runner.StartRaw: creates the run and runs it to the end before resolving. */
  async start(
    name: string,
    input: Uint8Array | undefined,
    scope?: Scope,
    caller?: AbortSignal,
  ): Promise<RunWire> {
    const run = this.create(name, input, scope, undefined);
    await this.execute(run, caller);
    return runToWire(run);
  }

  /** Creates a run and publishes `workflow.started`; throws for an unregistered name. */
  private create(
    name: string,
    input: Uint8Array | undefined,
    scope: Scope | undefined,
    parentRunId: string | undefined,
  ): RunRecord {
    if (this.handler(name) === undefined) {
      throw new EngineError(500, `no workflow registered for ${goQuote(name)}`);
    }
    // StartRaw reads the clock for StartedAt, then dispatch.NewEntity reads
    // it again for CreatedAt and UpdatedAt.
    const now = clockNanos();
    const entity = clockNanos();
    const run: RunRecord = {
      createdAt: entity,
      updatedAt: entity,
      id: newTypeId("wfrun"),
      name,
      state: "running",
      input,
      error: "",
      scopeAppId: scope?.appId ?? "",
      scopeOrgId: scope?.orgId ?? "",
      startedAt: now,
      completedAt: undefined,
      // RegisterDefinition stamps unversioned workflows as version 1.
      version: 1,
      parentRunId,
    };
    this.runs.set(run.id, run);
    this.checkpoints.set(run.id, new Map());
    this.emit("workflow.started", `workflow:${run.id}`, workflowEventData(run));
    return run;
  }

  /** Runner.executeRun: runs the handler and records how the run ended. */
  private async execute(run: RunRecord, caller: AbortSignal | undefined): Promise<void> {
    const handler = this.handler(run.name) as WorkflowHandler;
    const topic = `workflow:${run.id}`;
    const controller = new AbortController();
    this.controllers.add(controller);
    // The run's context derives from the caller's: Go hands the request
    // context to Runner.StartRaw, and a parent's context to its children.
    const cancel = (): void => controller.abort(new Error("context canceled"));
    if (caller?.aborted) cancel();
    caller?.addEventListener("abort", cancel, { once: true });
    const start = monotonicNanos();
    try {
      let value: unknown;
      try {
        value = parseJson(run.input);
      } catch (err) {
        throw new Error(`unmarshal input for workflow ${goQuote(run.name)}: ${errorMessage(err)}`);
      }
      await handler(this.context(run, controller.signal, caller), value);
      const elapsedMs = elapsedMsSince(start);
      // executeRun stamps CompletedAt, then the store's UpdateRun UpdatedAt.
      Object.assign(run, { state: "completed", completedAt: clockNanos() });
      run.updatedAt = clockNanos();
      this.emit("workflow.completed", topic, workflowEventData(run, { elapsedMs }));
    } catch (err) {
      const error = errorMessage(err);
      Object.assign(run, { state: "failed", error, completedAt: clockNanos() });
      run.updatedAt = clockNanos();
      this.emit("workflow.failed", topic, workflowEventData(run, { error }));
    } finally {
      this.controllers.delete(controller);
      caller?.removeEventListener("abort", cancel);
    }
  }

  // workflow.Registry is a map: a name an object literal inherits is not registered.
  private handler(name: string): WorkflowHandler | undefined {
    return Object.hasOwn(this.handlers, name) ? this.handlers[name] : undefined;
  }

  /** The run, encoded for the wire. */
  get(id: string): RunWire | undefined {
    const run = this.runs.get(id);
    return run === undefined ? undefined : runToWire(run);
  }

  /** The run's checkpoints in order; `[]` for an unknown run, as in Go. */
  timeline(runId: string): TimelineEntryWire[] {
    return timelineToWire(this.checkpoints.get(runId)?.values() ?? []);
  }

  /** Aborts every running workflow's context. */
  close(): void {
    for (const controller of this.controllers) controller.abort(new Error("context canceled"));
  }

  private save(run: RunRecord, stepName: string, data: Uint8Array): void {
    // Keyed by step name: saving again replaces the entry (and its time).
    this.checkpoints
      .get(run.id)
      ?.set(stepName, { id: newTypeId("ckpt"), stepName, data, createdAt: clockNanos() });
  }

  private checkpoint(run: RunRecord, stepName: string): Uint8Array | undefined {
    return this.checkpoints.get(run.id)?.get(stepName)?.data;
  }

  /** Runner.StartChildRaw / SpawnChildRaw: a run linked to its parent, in the parent's scope. */
  private startChild(
    parent: RunRecord,
    stepName: string,
    verb: "child" | "spawn",
    name: string,
    input: unknown,
  ): RunRecord {
    let bytes: Uint8Array;
    try {
      bytes = utf8.encode(goMarshal(input));
    } catch (err) {
      throw new Error(
        `workflow ${parent.name}: marshal ${verb} input ${goQuote(name)}: ${errorMessage(err)}`,
      );
    }
    const scope = { appId: parent.scopeAppId, orgId: parent.scopeOrgId };
    try {
      return this.create(name, bytes, scope, parent.id);
    } catch (err) {
      const error = errorMessage(err);
      this.emit(
        "workflow.step_failed",
        `workflow:${parent.id}`,
        workflowEventData(parent, { stepName, error }),
      );
      throw new Error(`workflow ${parent.name} ${verb} ${goQuote(name)}: ${error}`);
    }
  }

  /**
   * `signal` is this run's context; `caller` is the context it was started
   * with, which its children inherit (Go hands `w.ctx`, itself the caller's
   * context plus scope values, to StartChildRaw / SpawnChildRaw).
   */
  private context(run: RunRecord, signal: AbortSignal, caller: AbortSignal | undefined): WorkflowContext {
    const topic = `workflow:${run.id}`;
    return {
      runId: run.id,
      signal,
      step: async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
        // A checkpointed step is skipped and its saved result returned.
        const saved = this.checkpoint(run, name);
        if (saved !== undefined) return parseJson(saved) as T;
        const start = monotonicNanos();
        let result: T;
        try {
          result = await fn();
        } catch (err) {
          const error = errorMessage(err);
          this.emit("workflow.step_failed", topic, workflowEventData(run, { stepName: name, error }));
          throw new Error(`workflow ${run.name} step ${goQuote(name)}: ${error}`, { cause: err });
        }
        const elapsedMs = elapsedMsSince(start);
        let data = EMPTY;
        try {
          const json = result === undefined ? undefined : JSON.stringify(result);
          if (json !== undefined) data = utf8.encode(json);
        } catch (err) {
          // StepWithResult's gob encode error: no event, step not saved.
          throw new Error(`workflow ${run.name}: encode checkpoint ${goQuote(name)}: ${errorMessage(err)}`);
        }
        this.save(run, name, data);
        this.emit("workflow.step_completed", topic, workflowEventData(run, { stepName: name, elapsedMs }));
        return result;
      },
      sleep: async (name: string, ms: number): Promise<void> => {
        const stepName = `sleep:${name}`;
        if (this.checkpoint(run, stepName) !== undefined) return;
        await new Promise<void>((resolve, reject) => {
          if (signal.aborted) return reject(new Error("context canceled"));
          const onAbort = (): void => {
            cancel();
            reject(new Error("context canceled"));
          };
          const cancel = setLongTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          }, ms);
          signal.addEventListener("abort", onAbort, { once: true });
        });
        this.save(run, stepName, EMPTY);
      },
      waitForEvent: async (name: string, timeoutMs: number): Promise<WorkflowEvent | null> => {
        const stepName = `wait:${name}`;
        const saved = this.checkpoint(run, stepName);
        if (saved !== undefined) {
          if (saved.length === 0) return null;
          const cached = parseJson(saved) as { id: string; name: string; payload?: string };
          const payload = cached.payload === undefined ? undefined : Buffer.from(cached.payload, "base64");
          return { id: cached.id, name: cached.name, payload: eventPayload(payload) };
        }
        let event: StoredEvent | null;
        try {
          event = await this.bus.waitFor(name, timeoutMs, signal);
        } catch (err) {
          throw new Error(`workflow ${run.name} wait ${goQuote(name)}: ${errorMessage(err)}`);
        }
        // Timeout is not an error in Go: an empty checkpoint, then nil.
        this.save(run, stepName, event === null ? EMPTY : eventCheckpoint(event));
        return event === null
          ? null
          : { id: event.id, name: event.name, payload: eventPayload(event.payload) };
      },
      runChild: async (name: string, input?: unknown): Promise<void> => {
        const stepName = `child:${name}`;
        if (this.checkpoint(run, stepName) !== undefined) return;
        const start = monotonicNanos();
        const child = this.startChild(run, stepName, "child", name, input);
        await this.execute(child, caller);
        if (child.state === "failed") {
          const error = `child workflow ${goQuote(name)} failed: ${child.error}`;
          this.emit("workflow.step_failed", topic, workflowEventData(run, { stepName, error }));
          throw new Error(error);
        }
        // json.Marshal of the zero result: Go never sets a child's output.
        this.save(run, stepName, utf8.encode("null"));
        const elapsedMs = elapsedMsSince(start);
        this.emit("workflow.step_completed", topic, workflowEventData(run, { stepName, elapsedMs }));
      },
      spawnChild: async (name: string, input?: unknown): Promise<string> => {
        const stepName = `spawn:${name}`;
        const saved = this.checkpoint(run, stepName);
        if (saved !== undefined) return new TextDecoder().decode(saved);
        const start = monotonicNanos();
        const child = this.startChild(run, stepName, "spawn", name, input);
        // Go runs it in a goroutine with the parent's context: the parent
        // checkpoints and reports the step before the child gets going. That
        // context is the caller's (the HTTP request's), not bound to the
        // parent's run: it outlives the parent, and ends when the request does.
        void Promise.resolve().then(() => this.execute(child, caller));
        this.save(run, stepName, utf8.encode(child.id));
        const elapsedMs = elapsedMsSince(start);
        this.emit("workflow.step_completed", topic, workflowEventData(run, { stepName, elapsedMs }));
        return child.id;
      },
    };
  }
}
