import type { StreamEvent } from "@dispatch/client";
import {
  type DataTag,
  type DefinedInitialDataOptions,
  type QueryClient,
  type QueryKey,
  queryOptions,
} from "@tanstack/react-query";

/**
 * A bounded list of events as the hooks render it, kept in the query cache so
 * every component on the same entity or channel shares one copy.
 */
export interface EventLog<E extends StreamEvent = StreamEvent> {
  /** Oldest first; at most the buffer's limit (the newest are kept). */
  readonly events: readonly E[];
  /** Events received in total, including those dropped past the limit. */
  readonly received: number;
  /** `Date.now()` when the last event was received. */
  readonly lastEventAt: number | undefined;
}

/**
 * The log before the first event: one frozen object, the initial data of
 * every event-log query.
 *
 * @example
 * ```ts
 * const log = queryClient.getQueryData<EventLog>(dispatchKeys.channel("jobs")) ?? EMPTY_LOG;
 * ```
 */
export const EMPTY_LOG: EventLog<never> = Object.freeze({
  events: Object.freeze([]) as readonly never[],
  received: 0,
  lastEventAt: undefined,
});

/**
 * Appends a batch, keeping the newest `limit` events. One new array per
 * batch (not per event): under a flood this runs once per frame. `arrived`
 * counts events the batch stands for, when some were dropped before it.
 *
 * @example
 * ```ts
 * appendEvents(EMPTY_LOG, [event], 200, Date.now()).events.length; // 1
 * ```
 */
export function appendEvents<E extends StreamEvent>(
  log: EventLog<E> | undefined,
  batch: readonly E[],
  limit: number,
  now: number,
  arrived = batch.length,
): EventLog<E> {
  const prev = log ?? (EMPTY_LOG as EventLog<E>);
  if (batch.length === 0) return prev;
  const tail = batch.length > limit ? batch.slice(batch.length - limit) : batch;
  const keep = Math.max(0, limit - tail.length);
  const head = prev.events.length > keep ? prev.events.slice(prev.events.length - keep) : prev.events;
  return { events: head.concat(tail), received: prev.received + arrived, lastEventAt: now };
}

/**
 * A key that is equal for two deliveries of the same event, used to drop
 * duplicates (the server has no event ids; its frame ids are not unique).
 *
 * @example
 * ```ts
 * eventIdentity(event) === eventIdentity(structuredClone(event)); // true
 * ```
 */
export function eventIdentity(event: StreamEvent): string {
  const data = event.data as { attempt?: unknown; step_name?: unknown; job_id?: unknown };
  return `${event.type}|${event.ts}|${event.topic}|${String(data.attempt ?? "")}|${String(data.step_name ?? "")}|${String(data.job_id ?? "")}`;
}

/**
 * Query options that read an event log from the cache. The log is written by
 * a live feed, never fetched: the query function returns what is cached, so
 * an invalidation cannot wipe it, and the observer keeps the log from being
 * garbage-collected while a component shows it.
 *
 * @example
 * ```ts
 * const { data } = useQuery(eventLogQueryOptions(queryClient, dispatchKeys.channel("jobs"), true));
 * ```
 */
export function eventLogQueryOptions<E extends StreamEvent>(
  queryClient: QueryClient,
  queryKey: QueryKey,
  enabled: boolean,
  // Spelled out for the same reason as DispatchQueryOptions: no query-core in the .d.ts.
): DefinedInitialDataOptions<EventLog<E>, Error, EventLog<E>, readonly unknown[]> & {
  queryKey: DataTag<readonly unknown[], EventLog<E>, Error>;
} {
  return queryOptions<EventLog<E>>({
    queryKey,
    queryFn: () => queryClient.getQueryData<EventLog<E>>(queryKey) ?? (EMPTY_LOG as EventLog<E>),
    initialData: EMPTY_LOG as EventLog<E>,
    staleTime: Number.POSITIVE_INFINITY,
    // A new log object per batch is the change; deep comparison would only cost time.
    structuralSharing: false,
    enabled,
  });
}
