/**
 * What one client saw of a numbered stream, and the check of "nothing lost".
 *
 * The server has no replay, so "nothing lost" cannot mean "every event
 * arrives". It means, for each client and each event number `seq`:
 *
 * 1. No event arrives twice, and events arrive in publication order.
 * 2. An event published while the client's subscription was live on the
 *    server (before the drop, or after the resubscription was confirmed)
 *    arrives.
 * 3. An event published in between (in flight at the drop, or while
 *    disconnected) may be missing, but only if the client reported a gap on
 *    that channel after the drop: the app then re-reads state, and the
 *    re-read state is the truth.
 */
import type { Dispatch, GapEvent } from "@dispatch/client";
import { type Signal, seqOf } from "./helpers.js";

/** Events published so far, shared by the publisher and every ledger. */
export interface PublishCounter {
  count: number;
}

export class StreamLedger {
  readonly received: number[] = [];
  /** Gap reports, with the publish count when each was reported. */
  readonly gaps: Array<GapEvent & { at: number }> = [];

  constructor(
    readonly client: Dispatch,
    signal: Signal,
    published: PublishCounter,
    channel: "firehose" | "jobs" = "firehose",
  ) {
    client.subscribe(channel, (event) => {
      const seq = seqOf(event);
      if (seq === undefined) return;
      this.received.push(seq);
      signal.poke();
    });
    client.onGap((gap) => this.gaps.push({ ...gap, at: published.count }));
  }

  /** The last event number received, or -1. */
  get last(): number {
    return this.received.at(-1) ?? -1;
  }

  /**
   * Violations of the rules above; `[]` when nothing was lost.
   * @param liveUntil events below it were published while the subscription was live
   * @param liveFrom events from it on were published after the resubscription was confirmed
   * @param total events published
   */
  violations(liveUntil: number, liveFrom: number, total: number, channel = "firehose"): string[] {
    const problems: string[] = [];
    const seen = new Set<number>();
    let previous = -1;
    for (const seq of this.received) {
      if (seen.has(seq)) problems.push(`event ${seq} arrived twice`);
      if (seq < previous) problems.push(`event ${seq} arrived after ${previous}`);
      seen.add(seq);
      previous = seq;
    }
    const covered = this.gaps.some((g) => g.at >= liveUntil && g.channels.includes(channel));
    const missing = (from: number, to: number) => {
      const out: number[] = [];
      for (let seq = from; seq < to; seq++) if (!seen.has(seq)) out.push(seq);
      return out;
    };
    const lostLive = [...missing(0, liveUntil), ...missing(liveFrom, total)];
    if (lostLive.length > 0)
      problems.push(`${lostLive.length} events published while live never arrived (first ${lostLive[0]})`);
    const lostDown = missing(liveUntil, liveFrom);
    if (lostDown.length > 0 && !covered)
      problems.push(`${lostDown.length} events missed while down with no gap reported on ${channel}`);
    return problems;
  }
}
