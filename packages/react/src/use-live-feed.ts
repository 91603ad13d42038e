import type { StreamEvent } from "@dispatch/client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { type Feed, liveSubscriptionsFor } from "./live-subscriptions.js";
import { useDispatch } from "./use-dispatch.js";

const noop = (): void => {};
const no = (): boolean => false;
const none = (): undefined => undefined;

/**
 * Keeps the feed `key` retained while the component is mounted and `key` is
 * defined, calls `onEvent` with each of its events, and reports whether it is
 * live, or why it was refused. The shared adapter under `useJob`, `useWorkflowRun` and `useChannel`.
 * The feed of `key` only carries events of type `E`. `create` and `onEvent` are read through refs: new closures on each render
 * never resubscribe.
 *
 * @example
 * ```ts
 * const { isLive, error } = useLiveFeed(enabled ? channelFeedKey("jobs") : undefined, () => new ChannelFeed(qc, "jobs"));
 * ```
 */
export function useLiveFeed<E extends StreamEvent = StreamEvent>(
  key: string | undefined,
  create: () => Feed,
  onEvent?: (event: E) => void,
): { isLive: boolean; error: Error | undefined } {
  const client = useDispatch();
  const queryClient = useQueryClient();
  const createRef = useRef(create);
  createRef.current = create;
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  const lastClient = useRef(client);
  useEffect(() => {
    if (key === undefined) return;
    const swapped = lastClient.current !== client;
    lastClient.current = client;
    const live = liveSubscriptionsFor(client, queryClient);
    const { feed, release, ready, created } = live.retain(key, () => createRef.current());
    // A new client (the provider's url, format or client changed) never saw
    // what happened while it was connecting, and reports no reconnect gap for
    // its first session: re-read once it listens. Once per feed, not per view
    // of it; a feed a read opened on the new client needs none.
    if (swapped && created)
      ready?.then(() => feed.gap({ channels: [feed.channel], reason: "reconnect" }), noop);
    const stop = live.listen(key, (event) => onEventRef.current?.(event as E));
    return () => {
      stop();
      release();
    };
  }, [client, queryClient, key]);

  const subscribe = useCallback(
    (onChange: () => void) =>
      key === undefined ? noop : liveSubscriptionsFor(client, queryClient).onChange(onChange),
    [client, queryClient, key],
  );
  const live = key === undefined ? undefined : liveSubscriptionsFor(client, queryClient);
  const isLive = useSyncExternalStore(subscribe, () => live?.isLive(key as string) === true, no);
  const error = useSyncExternalStore(subscribe, () => live?.error(key as string), none);
  return { isLive, error };
}
