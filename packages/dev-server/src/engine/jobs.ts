/**
 * Job store and worker pool: the Go memory store's dequeue order, the pool's
 * concurrency slots and the executor's retry/DLQ logic, run on JS timers.
 */
import { clockNanos, elapsedMsSince, formatRFC3339, monotonicNanos } from "./go-time.js";
import { type Emit, type JobRecord, jobEventData, jobToWire, newJobRecord } from "./job-record.js";
import { type CancelTimer, setLongTimeout } from "./long-timer.js";
import type { EnqueueRequest, JobHandler, JobWire } from "./types.js";

// Taken when the module loads: a test that fakes timers to drive backoff must
// not also stop the fetcher from picking jobs up (as a microtask it never did).
const afterIo = globalThis.setImmediate.bind(globalThis);

/** Settings the scheduler needs, already defaulted by `createEngine`. */
export interface JobSchedulerOptions {
  handlers: Record<string, JobHandler>;
  concurrency: number;
  backoff: (attempt: number) => number;
  maxRetries: number;
  queues: readonly string[];
  heartbeatIntervalMs: number;
  staleJobThresholdMs: number;
  emit: Emit;
}

const NS_PER_MS = 1_000_000n;
const msToNanos = (ms: number): bigint => BigInt(Math.round(ms * 1_000_000));

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function parsePayload(job: JobRecord): unknown {
  if (job.payload === undefined || job.payload.length === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(job.payload));
  } catch (err) {
    // job.RegisterDefinition's typed wrapper fails the attempt the same way.
    throw new Error(`unmarshal payload for job "${job.name}": ${errorMessage(err)}`);
  }
}

/** The in-memory job store plus the pool that runs its jobs. */
export class JobScheduler {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly timers = new Set<CancelTimer>();
  private readonly active = new Map<string, AbortController>();
  private readonly intervals: ReturnType<typeof setInterval>[] = [];
  private running = 0;
  private seq = 0;
  private pumpQueued = false;
  private closed = false;

  constructor(private readonly options: JobSchedulerOptions) {
    const { heartbeatIntervalMs, staleJobThresholdMs } = options;
    if (heartbeatIntervalMs > 0) this.every(heartbeatIntervalMs, () => this.heartbeatActive());
    if (staleJobThresholdMs > 0) this.every(staleJobThresholdMs, () => this.reapStale());
  }

  /** EnqueueRaw: stores a pending job, wakes the pool, publishes job.enqueued. */
  enqueue(req: EnqueueRequest): JobWire {
    const job = newJobRecord(req, this.options.maxRetries, this.seq++);
    this.jobs.set(job.id, job);
    this.wake();
    this.options.emit("job.enqueued", `job:${job.id}`, jobEventData(job));
    return jobToWire(job);
  }

  /** The stored job, encoded for the wire. */
  get(id: string): JobWire | undefined {
    const job = this.jobs.get(id);
    return job === undefined ? undefined : jobToWire(job);
  }

  /**
   * The DWP `job.cancel` handler: state `cancelled` whatever it was, no event.
   * A running job's executor later writes its own copy back, undoing this.
   */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (job === undefined) return false;
    this.jobs.set(id, { ...job, state: "cancelled", updatedAt: clockNanos() });
    return true;
  }

  /** Stops every timer and aborts running handlers; no more jobs start. */
  close(): void {
    this.closed = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    for (const interval of this.intervals) clearInterval(interval);
    for (const controller of this.active.values()) controller.abort(new Error("context canceled"));
  }

  // Pool.Wake: the fetcher runs once the current I/O turn is over. In Go the
  // fetcher, the worker and the event forwarder are separate goroutines, so
  // the read loop writes the job.enqueue response before job.started; a
  // microtask would run ahead of the session's awaited response write.
  private wake(): void {
    if (this.pumpQueued || this.closed) return;
    this.pumpQueued = true;
    afterIo(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private wakeAt(runAt: bigint): void {
    if (this.closed) return;
    const cancel = setLongTimeout(
      () => {
        this.timers.delete(cancel);
        // The wall clock may lag the timer clock; never pump before run_at.
        if (clockNanos() < runAt) this.wakeAt(runAt);
        else this.pump();
      },
      Number((runAt - clockNanos() + NS_PER_MS - 1n) / NS_PER_MS),
    );
    this.timers.add(cancel);
  }

  private every(ms: number, tick: () => void): void {
    const interval = setInterval(tick, ms);
    // Housekeeping tickers must not keep the process alive on their own.
    if (typeof interval === "object" && "unref" in interval) interval.unref();
    this.intervals.push(interval);
  }

  private pump(): void {
    while (!this.closed && this.running < this.options.concurrency) {
      const job = this.dequeue();
      if (job === undefined) return;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  // memory.Store.DequeueJobs for one job: pending|retrying, due, in a polled
  // queue, priority DESC then run_at ASC. It sets running + started_at but not
  // updated_at, and hands the executor a copy.
  private dequeue(): JobRecord | undefined {
    const now = clockNanos();
    const { queues } = this.options;
    let best: JobRecord | undefined;
    for (const job of this.jobs.values()) {
      if (job.state !== "pending" && job.state !== "retrying") continue;
      if (job.runAt > now) continue;
      if (queues.length > 0 && !queues.includes(job.queue)) continue;
      if (
        best === undefined ||
        job.priority > best.priority ||
        (job.priority === best.priority &&
          (job.runAt < best.runAt || (job.runAt === best.runAt && job.seq < best.seq)))
      ) {
        best = job;
      }
    }
    if (best === undefined) return undefined;
    best.state = "running";
    best.startedAt = now;
    return { ...best };
  }

  // Pool.runJob + Executor.Execute on the executor's private copy `job`.
  private async run(job: JobRecord): Promise<void> {
    this.options.emit("job.started", `job:${job.id}`, jobEventData(job));
    const { handlers } = this.options;
    // job.Registry is a map: a name an object literal inherits is not registered.
    const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
    // Go returns "no handler registered" without touching the store: the job
    // stays running (until the stale-job reaper resets it to pending).
    if (handler === undefined) return;

    const controller = new AbortController();
    this.active.set(job.id, controller);
    // middleware.Timeout cancels the handler's context after job.Timeout.
    const deadline = setLongTimeout(
      () => controller.abort(new Error("context deadline exceeded")),
      job.timeout / 1_000_000,
    );
    this.timers.add(deadline);
    const start = monotonicNanos();
    let failure: unknown;
    let failed = false;
    try {
      await handler({
        payload: parsePayload(job),
        job: jobToWire(job),
        attempt: job.retryCount + 1,
        signal: controller.signal,
        heartbeat: () => this.heartbeat(job.id),
      });
    } catch (err) {
      failed = true;
      failure = err;
    } finally {
      deadline();
      this.timers.delete(deadline);
      this.active.delete(job.id);
    }
    const elapsedMs = elapsedMsSince(start);
    // Executor.Execute reads the clock once for UpdatedAt and CompletedAt or
    // the retry's base; the store's UpdateJob then stamps UpdatedAt again.
    const now = clockNanos();
    job.updatedAt = now;
    if (failed) this.fail(job, errorMessage(failure), now);
    else this.complete(job, now, elapsedMs);
  }

  private complete(job: JobRecord, now: bigint, elapsedMs: number): void {
    job.state = "completed";
    job.completedAt = now;
    this.store(job);
    this.options.emit("job.completed", `job:${job.id}`, jobEventData(job, { elapsedMs }));
  }

  private fail(job: JobRecord, error: string, now: bigint): void {
    job.retryCount++;
    job.lastError = error;
    const topic = `job:${job.id}`;
    if (job.retryCount <= job.maxRetries) {
      // Go keeps nanoseconds; whole ms keep run_at and the timer in step.
      const delay = Math.max(0, Math.ceil(this.options.backoff(job.retryCount)));
      job.runAt = (now / NS_PER_MS + BigInt(delay)) * NS_PER_MS;
      job.state = "retrying";
      this.store(job);
      this.wakeAt(job.runAt);
      // No error field: Go's OnJobRetrying leaves it out.
      this.options.emit(
        "job.retrying",
        topic,
        jobEventData(job, { attempt: job.retryCount, nextRunAt: formatRFC3339(job.runAt) }),
      );
      return;
    }
    // Exhausted: failed (completed_at stays unset), then failed + dlq events.
    job.state = "failed";
    this.store(job);
    this.options.emit("job.failed", topic, jobEventData(job, { error }));
    this.options.emit("job.dlq", topic, jobEventData(job, { error }));
  }

  // memory.Store.UpdateJob: the executor's copy replaces the stored job
  // wholesale, so a cancel or heartbeat recorded meanwhile is lost.
  private store(job: JobRecord): void {
    if (!this.jobs.has(job.id)) return;
    this.jobs.set(job.id, { ...job, updatedAt: clockNanos() });
  }

  // memory.Store.HeartbeatJob: heartbeat_at only, updated_at untouched.
  private heartbeat(id: string): void {
    const job = this.jobs.get(id);
    if (job !== undefined) job.heartbeatAt = clockNanos();
  }

  private heartbeatActive(): void {
    for (const id of this.active.keys()) this.heartbeat(id);
  }

  // Pool.reapStaleJobs: running jobs whose heartbeat (or, lacking one, start)
  // is older than the threshold go back to pending and the pool wakes.
  private reapStale(): void {
    const cutoff = clockNanos() - msToNanos(this.options.staleJobThresholdMs);
    let reset = 0;
    for (const job of this.jobs.values()) {
      if (job.state !== "running") continue;
      const last = job.heartbeatAt ?? job.startedAt;
      if (last === undefined || last >= cutoff) continue;
      // Pool.reapStaleJobs stamps RunAt, then the store's UpdateJob UpdatedAt.
      Object.assign(job, {
        state: "pending",
        runAt: clockNanos(),
        heartbeatAt: undefined,
        startedAt: undefined,
      });
      job.updatedAt = clockNanos();
      reset++;
    }
    if (reset > 0) this.wake();
  }
}
