import type { Channel, Dispatch, GapEvent, StreamEvent, Subscription } from "@dispatch/client";
import type { QueryClient } from "@tanstack/react-query";

/**
 * How long a subscription outlives its last user, in ms, so StrictMode's
 * double mount and quick remounts send no extra `subscribe`/`unsubscribe`
 * frames.
 *
 * @example
 * ```ts
 * unmount();
 * await vi.advanceTimersByTimeAsync(DEFAULT_LINGER_MS); // only now is the channel unsubscribed
 * ```
 */
export const DEFAULT_LINGER_MS = 1500;

/**
 * What keeps one channel's events flowing into the cache. Created on the
 * first `retain` of its key, closed when the last user is gone for the linger.
 */
export interface Feed {
  /** The channel to subscribe to. */
  readonly channel: Channel;
  /** Every event of the channel, as it arrives. */
  event(event: StreamEvent): void;
  /** The channel may have missed events (reconnect, overflow): re-read state. */
  gap(gap: GapEvent): void;
  /**
   * The subscription is over: write out anything pending or, once the client
   * has closed (`discard`), drop it. A closed session may be a signed-out
   * user's, and its last frame of events must not land in the cache the
   * sign-out just cleared, where the next user would see it.
   */
  close(discard?: boolean): void;
}

/** The part of `Dispatch` the registry uses (a narrow seam for tests). */
export type LiveClient = Pick<Dispatch, "subscribe" | "onGap" | "onStateChange" | "state">;

interface Entry {
  feed: Feed;
  subscription: Subscription | undefined;
  refs: number;
  linger: ReturnType<typeof setTimeout> | undefined;
  confirmed: boolean;
  /** The server refused it (maybe on a re-subscribe): try again on the next session. */
  refused: boolean;
  /** Why it is not live: the client's or the server's refusal, until it is live again. */
  error: Error | undefined;
  listeners: Set<(event: StreamEvent) => void>;
}

/**
 * Reference-counted live subscriptions, shared by every component that shows
 * the same entity or channel. The client already shares one wire
 * subscription between local ones; this adds a linger, so React StrictMode's
 * mount → unmount → mount, a route change that remounts a view, or a query
 * function's brief hold cost no `unsubscribe`/`subscribe` round trip. It also
 * routes the client's gap reports to the feeds of the affected channels.
 *
 * @example
 * ```ts
 * const live = liveSubscriptionsFor(client, queryClient);
 * const { feed, release } = live.retain("channel:jobs", () => new ChannelFeed(queryClient, "jobs"));
 * // … later; the subscription stays for DEFAULT_LINGER_MS in case someone retains it again
 * release();
 * ```
 */
export class LiveSubscriptions {
  readonly #entries = new Map<string, Entry>();
  readonly #watchers = new Set<() => void>();

  readonly #client: LiveClient;
  readonly #lingerMs: number;

  /** Removes this registry's client listeners; set while it has entries. */
  #detach: (() => void) | undefined;

  constructor(client: LiveClient, lingerMs = DEFAULT_LINGER_MS) {
    this.#client = client;
    this.#lingerMs = lingerMs;
  }

  /**
   * Listens to the client only while there are entries: one long-lived client
   * outlives many registries (a QueryClient per session or page), and its
   * listeners would keep each one, and its whole cache, reachable.
   */
  #attach(): void {
    if (this.#detach) return;
    const offGap = this.#client.onGap((gap) => {
      for (const entry of this.#entries.values()) {
        if (gap.channels.includes(entry.feed.channel)) entry.feed.gap(gap);
      }
    });
    const offState = this.#client.onStateChange((state) => {
      if (state === "open") this.#resubscribeRefused();
      if (state === "closed") for (const entry of this.#entries.values()) entry.feed.close(true);
      this.#changed();
    });
    this.#detach = () => {
      offGap();
      offState();
    };
  }

  /**
   * A subscription the server refused on a reconnect (a new token without
   * the scope, a server error) ended for good in the client. While it is
   * still in use, each new session tries it again, and the feed re-reads.
   */
  #resubscribeRefused(): void {
    for (const entry of this.#entries.values()) {
      if (!entry.refused || entry.refs === 0) continue;
      entry.refused = false;
      this.#subscribe(entry);
      entry.feed.gap({ channels: [entry.feed.channel], reason: "reconnect" });
    }
  }

  /**
   * Counts one more user of `key`, creating its feed and subscription on the
   * first. `create` must always build the same kind of feed for a key.
   * `release` is idempotent. `ready` settles once the subscription is
   * confirmed or refused (`undefined` when the client refused to subscribe).
   * `created`: this call opened the feed.
   */
  retain<F extends Feed>(
    key: string,
    create: () => F,
  ): { feed: F; release: () => void; ready: Promise<void> | undefined; created: boolean } {
    let entry = this.#entries.get(key);
    const created = entry === undefined;
    if (entry === undefined) {
      this.#attach();
      entry = this.#open(create());
      this.#entries.set(key, entry);
    }
    const held = entry;
    held.refs++;
    if (held.linger !== undefined) clearTimeout(held.linger);
    held.linger = undefined;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (--held.refs > 0) return;
      held.linger = setTimeout(() => this.#close(key, held), this.#lingerMs);
    };
    // Keys are namespaced by feed kind, so the entry's feed is an F.
    return { feed: held.feed as F, release, ready: held.subscription?.ready, created };
  }

  /** The feed of `key`, if it is retained or lingering. */
  peek(key: string): Feed | undefined {
    return this.#entries.get(key)?.feed;
  }

  /** Calls `listener` with each event of `key` while it is retained. */
  listen(key: string, listener: (event: StreamEvent) => void): () => void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return () => {};
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
    };
  }

  /** Whether `key` is subscribed, confirmed by the server and not ended since, on an open connection. */
  isLive(key: string): boolean {
    return this.#entries.get(key)?.confirmed === true && this.#client.state === "open";
  }

  /**
   * Why `key` is not live, if it was refused: an invalid channel (the
   * client's `ValidationError`) or the server's answer (403 for a token
   * without the scope). Cleared once it is live again.
   */
  error(key: string): Error | undefined {
    return this.#entries.get(key)?.error;
  }

  /** Calls `listener` whenever `isLive` or `error` may have changed for some key. */
  onChange(listener: () => void): () => void {
    this.#watchers.add(listener);
    return () => {
      this.#watchers.delete(listener);
    };
  }

  #open(feed: Feed): Entry {
    const entry: Entry = {
      feed,
      subscription: undefined,
      refs: 0,
      linger: undefined,
      confirmed: false,
      refused: false,
      error: undefined,
      listeners: new Set(),
    };
    this.#subscribe(entry);
    return entry;
  }

  #subscribe(entry: Entry): void {
    const { feed } = entry;
    const ended = (error?: unknown): void => {
      // Refused (400/403/5xx), at first or on the re-subscribe after a
      // reconnect, or ended: not live. A refusal is tried again on the next
      // session while the entry is in use. `error` keeps why, for useChannel,
      // which has no query to show it.
      entry.confirmed = false;
      if (error !== undefined && this.#client.state !== "closed") {
        entry.refused = true;
        entry.error = asError(error);
      }
      this.#changed();
    };
    let subscription: Subscription;
    try {
      subscription = this.#client.subscribe(feed.channel, {
        listener: (event) => {
          feed.event(event);
          for (const listener of entry.listeners) {
            // One component's throwing onEvent must not keep the event from the others.
            try {
              listener(event);
            } catch (err) {
              console.error(
                `[dispatch] onEvent for ${feed.channel} threw; the others still got the event`,
                err,
              );
            }
          }
        },
        onEnd: ended,
        // Per session: a reconnect reads as live only once the server has
        // confirmed the re-subscribe, not as soon as the socket is open.
        onLive: (live) => {
          entry.confirmed = live;
          if (live) entry.error = undefined;
          this.#changed();
        },
      });
    } catch (err) {
      // A closed client refuses new subscriptions; the feed just stays quiet.
      // Anything else (an invalid channel) is the caller's to see.
      if (this.#client.state !== "closed") entry.error = asError(err);
      this.#changed();
      return;
    }
    // Its refusal reaches `ended` through onEnd; `ready` never rejects unhandled.
    entry.subscription = subscription;
  }

  #close(key: string, entry: Entry): void {
    if (this.#entries.get(key) !== entry || entry.refs > 0) return;
    this.#entries.delete(key);
    entry.subscription?.unsubscribe().catch(() => {});
    entry.feed.close();
    this.#changed();
    if (this.#entries.size === 0) {
      this.#detach?.();
      this.#detach = undefined;
    }
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }
}

const registries = new WeakMap<LiveClient, WeakMap<QueryClient, LiveSubscriptions>>();

/**
 * The registry shared by every hook of one client and one query cache.
 *
 * @example
 * ```ts
 * liveSubscriptionsFor(client, queryClient).isLive("entity:job:job_01h…");
 * ```
 */
export function liveSubscriptionsFor(client: LiveClient, queryClient: QueryClient): LiveSubscriptions {
  let byCache = registries.get(client);
  if (byCache === undefined) {
    byCache = new WeakMap();
    registries.set(client, byCache);
  }
  let live = byCache.get(queryClient);
  if (live === undefined) {
    live = new LiveSubscriptions(client);
    byCache.set(queryClient, live);
  }
  return live;
}

// onEnd's error is typed `unknown`; the client only ends with Errors.
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
