import { type Channel, type EventOf, type StreamEvent, ValidationError } from "@dispatch/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { type EventLog, eventLogQueryOptions } from "./event-log.js";
import { ChannelFeed, channelFeedKey } from "./feeds.js";
import { dispatchKeys } from "./keys.js";
import { liveSubscriptionsFor } from "./live-subscriptions.js";
import { useDispatch } from "./use-dispatch.js";
import { useLiveFeed } from "./use-live-feed.js";

/** Options of `useChannel`. */
export interface UseChannelOptions<E extends StreamEvent = StreamEvent> {
  /** Subscribe only when `true`. Default `true`. */
  enabled?: boolean | undefined;
  /** Most events kept (the newest). Default 200. */
  limit?: number | undefined;
  /** Called with each event as it arrives (not batched), except while paused. */
  onEvent?: ((event: E) => void) | undefined;
  /**
   * Freeze what this component shows. The subscription and the shared
   * buffer keep going, so unpausing shows the latest events with no gap.
   * Default `false`.
   */
  paused?: boolean | undefined;
}

/** What `useChannel` returns. */
export interface UseChannelResult<E extends StreamEvent = StreamEvent> {
  /** Oldest first, at most `limit`. */
  events: readonly E[];
  /** Events received on the channel since the buffer was created. */
  received: number;
  /** Subscribed, confirmed by the server, on an open connection. */
  isLive: boolean;
  /** `Date.now()` when the last event arrived. */
  lastEventAt: number | undefined;
  /**
   * Why the channel is not live, if it was refused: a `ValidationError` for
   * an invalid channel name (say, from a URL), or the server's answer, such
   * as a `ForbiddenError` for a token without the scope (tried again on each
   * new session). `undefined` once it is live.
   */
  error: Error | undefined;
  /** Empties the shared buffer (for every component on this channel). */
  clear(): void;
}

/**
 * The live events of a channel (`jobs`, `workflows`, `firehose`, `job:<id>`,
 * `workflow:<id>`, `queue:<name>`). Components on the same channel share one
 * buffer in the query cache and one subscription; renders are batched to one
 * per animation frame however fast events arrive. The event type follows
 * from the channel: `useChannel("jobs")` gives job events.
 *
 * @example
 * ```tsx
 * function EmailQueue() {
 *   const { events, isLive } = useChannel("queue:emails", { limit: 50 });
 *   return <ul aria-busy={!isLive}>{events.map((e) => <li key={e.ts + e.type}>{e.type}</li>)}</ul>;
 * }
 * ```
 */
export function useChannel<C extends Channel>(
  channel: C | null | undefined,
  options?: UseChannelOptions<EventOf<C>>,
): UseChannelResult<EventOf<C>>;
/** The same, with the event type named: `useChannel<JobEvent>(channel)`. */
export function useChannel<E extends StreamEvent>(
  channel: Channel | null | undefined,
  options?: UseChannelOptions<E>,
): UseChannelResult<E>;
export function useChannel<E extends StreamEvent>(
  channel: Channel | null | undefined,
  options: UseChannelOptions<E> = {},
): UseChannelResult<E> {
  const { enabled = true, limit = 200, onEvent, paused = false } = options;
  // NaN (say, from Number() of a missing URL parameter) would silently turn
  // off trimming and let the shared buffer grow without bound.
  if (!Number.isInteger(limit) || limit < 1)
    throw new ValidationError(`useChannel: limit must be a positive integer, got ${String(limit)}`);
  const client = useDispatch();
  const queryClient = useQueryClient();
  const active = enabled && typeof channel === "string" && (channel as string) !== "";
  const feedKey = active ? channelFeedKey(channel) : undefined;
  // Stable, so `clear` is too: an effect that depends on it must not loop.
  const queryKey = useMemo(() => dispatchKeys.channel((channel ?? "") as Channel), [channel]);

  const { isLive, error } = useLiveFeed<E>(
    feedKey,
    () => new ChannelFeed(queryClient, channel as Channel, limit),
    paused ? undefined : onEvent,
  );
  useEffect(() => {
    if (feedKey === undefined) return;
    const feed = liveSubscriptionsFor(client, queryClient).peek(feedKey);
    return feed instanceof ChannelFeed ? feed.want(limit) : undefined;
  }, [client, queryClient, feedKey, limit]);

  const { data } = useQuery(eventLogQueryOptions<E>(queryClient, queryKey, active));
  // A paused view freezes this channel's log; another channel starts its own.
  const frozen = useRef<{ channel: unknown; log: EventLog<E> }>({ channel, log: data });
  if (!paused || frozen.current.channel !== channel) frozen.current = { channel, log: data };
  const view = frozen.current.log;
  const events = useMemo(
    () => (view.events.length > limit ? view.events.slice(view.events.length - limit) : view.events),
    [view, limit],
  );
  const clear = useCallback(() => {
    queryClient.setQueryData<EventLog<E>>(queryKey, (log) =>
      log === undefined || log.events.length === 0 ? log : { ...log, events: [] },
    );
  }, [queryClient, queryKey]);
  return { events, received: view.received, isLive, error, lastEventAt: view.lastEventAt, clear };
}
