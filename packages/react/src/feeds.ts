import type { Channel, Job, JobEvent, StreamEvent, WorkflowEvent } from "@dispatch/client";
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { appendEvents, type EventLog, eventIdentity } from "./event-log.js";
import { dispatchKeys } from "./keys.js";
import type { Feed } from "./live-subscriptions.js";
import { applyJobEvent } from "./merge/job.js";
import { applyWorkflowEvent, type WorkflowRunData } from "./merge/workflow.js";
import { type FrameBatcher, frameBatcher } from "./throttle.js";

/** Events kept per job or run: lifecycles are short; this only bounds a pathological one. */
const ENTITY_LOG_LIMIT = 500;

/** Registry key of a job's feed. */
export const jobFeedKey = (jobId: string): string => `entity:job:${jobId}`;
/** Registry key of a run's feed. */
export const runFeedKey = (runId: string): string => `entity:workflow:${runId}`;
/** Registry key of a channel buffer's feed. */
export const channelFeedKey = (channel: Channel): string => `channel:${channel}`;

/**
 * Merges one entity's events (`job:<id>`, `workflow:<id>`) into its cached
 * object, once per frame, and keeps an in-memory log so a query function can
 * replay what arrived while its read was in flight (`since(mark)`).
 */
export class EntityFeed<E extends JobEvent | WorkflowEvent, D> implements Feed {
  /** Events received, duplicates excluded; `since()` counts on it. */
  received = 0;
  #log: E[] = [];
  readonly #seen = new Set<string>();
  readonly #batcher: FrameBatcher<E>;

  readonly #queryClient: QueryClient;
  readonly #dataKey: QueryKey;
  readonly #eventsKey: QueryKey;
  readonly #apply: (data: D | undefined, event: E) => D | undefined;
  readonly #needsRead: (event: E) => boolean;

  constructor(
    queryClient: QueryClient,
    readonly channel: Channel,
    dataKey: QueryKey,
    eventsKey: QueryKey,
    apply: (data: D | undefined, event: E) => D | undefined,
    needsRead: (event: E) => boolean = () => false,
  ) {
    this.#queryClient = queryClient;
    this.#dataKey = dataKey;
    this.#eventsKey = eventsKey;
    this.#apply = apply;
    this.#needsRead = needsRead;
    this.#batcher = frameBatcher((batch) => this.#write(batch));
  }

  event(event: StreamEvent): void {
    const identity = eventIdentity(event);
    if (this.#seen.has(identity)) return;
    this.#seen.add(identity);
    // The channel only carries this entity's events.
    this.#log.push(event as E);
    this.received++;
    if (this.#log.length > ENTITY_LOG_LIMIT * 2) {
      const dropped = this.#log.slice(0, this.#log.length - ENTITY_LOG_LIMIT);
      for (const old of dropped) this.#seen.delete(eventIdentity(old));
      this.#log = this.#log.slice(dropped.length);
    }
    this.#batcher.push(event as E);
  }

  /** Events received after `mark` (a value of `received`), oldest first. */
  since(mark: number): E[] {
    const count = this.received - mark;
    return count <= 0 ? [] : this.#log.slice(Math.max(0, this.#log.length - count));
  }

  /**
   * Reads with `read` (the caller retained this feed first), and applies on
   * top of the answer the events that arrived while it was in flight. An
   * event among them that carries less than a read (a retry's error, a final
   * state) and moved the answer on means it was answered before that event:
   * read again. Each such event moves the entity forward, so this ends.
   */
  async read(read: () => Promise<D>): Promise<D> {
    let mark = this.received;
    let data = await read();
    while (this.#fold(data, this.since(mark)).reread) {
      mark = this.received;
      data = await read();
    }
    return this.#fold(data, this.since(mark)).data;
  }

  // Only an event that moved the data asks for a read: one the data already
  // reflects (a late copy, job.dlq after job.failed) came with or after a
  // read, and one of a type we do not know changes nothing here.
  #fold(data: D, events: readonly E[]): { data: D; reread: boolean } {
    let next = data;
    let reread = false;
    for (const event of events) {
      const applied = this.#apply(next, event) ?? next;
      if (applied !== next && this.#needsRead(event)) reread = true;
      next = applied;
    }
    return { data: next, reread };
  }

  gap(): void {
    // Events may be lost for good (no replay on the server): re-read. A read
    // sleeping out its retry backoff (cut off by the drop) would take the
    // re-read into that sleep; the connection is back, so start over now.
    const filters = { queryKey: this.#dataKey, exact: true };
    const query = this.#queryClient.getQueryCache().find(filters);
    // Silently, and refetched in this same tick: whoever awaits the old read
    // (a loader's fetchQuery) is handed the new one instead of an error.
    if (query?.isActive() && query.state.fetchStatus === "fetching" && query.state.fetchFailureCount > 0)
      void query.cancel({ silent: true });
    void this.#queryClient.invalidateQueries(filters);
  }

  close(discard?: boolean): void {
    if (discard) this.#batcher.cancel();
    else this.#batcher.flush();
  }

  #write(batch: E[]): void {
    const now = Date.now();
    this.#queryClient.setQueryData<EventLog<E>>(this.#eventsKey, (log) =>
      appendEvents(log, batch, ENTITY_LOG_LIMIT, now),
    );
    const data = this.#queryClient.getQueryData<D>(this.#dataKey);
    // Without data yet, a read in flight replays these itself (and takes in
    // the re-read), and a failed or cancelled one is worth trying again.
    const { data: next, reread } =
      data === undefined ? { data, reread: batch.some(this.#needsRead) } : this.#fold(data, batch);
    if (next !== data) this.#queryClient.setQueryData<D>(this.#dataKey, next);
    if (reread) void this.#queryClient.invalidateQueries({ queryKey: this.#dataKey, exact: true });
  }
}

/**
 * The feed of `job:<id>`. A job that retries or settles is read again for
 * the fields its events do not carry.
 *
 * @example
 * ```ts
 * live.retain(jobFeedKey(id), () => createJobFeed(queryClient, id));
 * ```
 */
export function createJobFeed(queryClient: QueryClient, jobId: string): EntityFeed<JobEvent, Job> {
  const dataKey = dispatchKeys.job(jobId);
  return new EntityFeed<JobEvent, Job>(
    queryClient,
    `job:${jobId}`,
    dataKey,
    dispatchKeys.jobEvents(jobId),
    applyJobEvent,
    // Events carry no last_error on retries (the Go broker leaves it out) and
    // no final counts: re-read once the job settles or retries.
    (e) => e.type !== "job.enqueued" && e.type !== "job.started",
  );
}

/**
 * The feed of `workflow:<id>`. A finished run is read again: the final run
 * (completed_at, error) and timeline (checkpoint data) are on the server only.
 *
 * @example
 * ```ts
 * live.retain(runFeedKey(id), () => createRunFeed(queryClient, id));
 * ```
 */
export function createRunFeed(
  queryClient: QueryClient,
  runId: string,
): EntityFeed<WorkflowEvent, WorkflowRunData> {
  const dataKey = dispatchKeys.workflowRun(runId);
  return new EntityFeed<WorkflowEvent, WorkflowRunData>(
    queryClient,
    `workflow:${runId}`,
    dataKey,
    dispatchKeys.workflowEvents(runId),
    applyWorkflowEvent,
    (e) => e.type === "workflow.completed" || e.type === "workflow.failed",
  );
}

/**
 * Appends a channel's events to its shared buffer, once per frame, keeping
 * the newest `capacity` (the largest `limit` any component asked for).
 */
export class ChannelFeed implements Feed {
  readonly #wanted = new Map<symbol, number>();
  readonly #batcher: FrameBatcher<StreamEvent>;
  /** Events since the last write, including any the batcher dropped. */
  #arrived = 0;

  readonly #queryClient: QueryClient;
  readonly #defaultLimit: number;

  constructor(
    queryClient: QueryClient,
    readonly channel: Channel,
    defaultLimit = 200,
  ) {
    this.#queryClient = queryClient;
    this.#defaultLimit = defaultLimit;
    this.#batcher = frameBatcher((batch) => this.#write(batch), {
      maxPending: () => this.capacity,
    });
  }

  /** The buffer holds at least `limit` events until the returned function is called. */
  want(limit: number): () => void {
    const token = Symbol("limit");
    this.#wanted.set(token, limit);
    return () => {
      this.#wanted.delete(token);
    };
  }

  get capacity(): number {
    return this.#wanted.size === 0 ? this.#defaultLimit : Math.max(...this.#wanted.values());
  }

  event(event: StreamEvent): void {
    this.#arrived++;
    this.#batcher.push(event);
  }

  gap(): void {
    // A channel has no history to re-read; entity hooks refetch their own state.
  }

  close(discard?: boolean): void {
    if (!discard) return this.#batcher.flush();
    // Dropped unwritten, so not counted into the next write's `received` either.
    this.#batcher.cancel();
    this.#arrived = 0;
  }

  #write(batch: StreamEvent[]): void {
    const now = Date.now();
    const limit = this.capacity;
    const arrived = this.#arrived;
    this.#arrived = 0;
    this.#queryClient.setQueryData<EventLog>(dispatchKeys.channel(this.channel), (log) =>
      appendEvents(log, batch, limit, now, arrived),
    );
  }
}
