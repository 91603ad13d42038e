import type { ResolvedOptions } from "./options.js";
import { isLoopbackUrl } from "./options.js";
import { knownOffline } from "./page-lifecycle.js";

/** What the SSE transport's retry loops (the token probe, each stream) back off by. */
export type SseBackoff = Pick<ResolvedOptions, "url" | "minReconnectDelay" | "maxReconnectDelay">;

/**
 * The wait before retry number `attempt` (from 0): doubling from
 * `minReconnectDelay` up to `maxReconnectDelay`, jittered so that a fleet of
 * clients does not retry in lockstep after a server restart. While the
 * runtime knows it is offline every attempt would fail (and log a network
 * error), so it waits the longest delay, or less if the page's `online`
 * event comes first; a loopback server needs no network and keeps the
 * ordinary backoff.
 */
export function sseRetryDelay(attempt: number, options: SseBackoff): number {
  const { minReconnectDelay: min, maxReconnectDelay: max } = options;
  if (knownOffline() && !isLoopbackUrl(options.url)) return max;
  return Math.min(max, min * 2 ** attempt) * (0.5 + Math.random());
}
