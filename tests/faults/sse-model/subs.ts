/**
 * The `sub` and `unsub` commands. Each subscription is read as its mode
 * says; what it takes is checked as it arrives (SseRun.took): its channel's,
 * published, in publication order, at most once, nothing after it ended.
 */
import { channelOf } from "../model-shared/channels.js";
import { openSub, unsubscribe } from "../model-shared/subscriptions.js";
import type { ChannelSpec, Kill, Mode } from "./commands.js";
import type { ClientRec, SubRec } from "./records.js";
import type { SseRun } from "./run.js";

export function subscribe(run: SseRun, spec: ChannelSpec, mode: Mode, kill: Kill, c: ClientRec): void {
  const channel = channelOf(run.knownJobs, spec);
  const rec = {
    id: run.nextSubId(),
    channel,
    mode,
    client: c,
    events: [],
    yielded: [],
    lastIdx: -1,
    got: new Set(),
    expected: [],
    ended: false,
    confirmed: false,
    bufferedAtEnd: 0,
    deliveredAfterEnd: 0,
    onEnd: [],
    iterDone: false,
    iterError: undefined,
    wasLive: false,
  } as unknown as SubRec;
  const take = (event: Parameters<SseRun["took"]>[1]) => {
    run.took(rec, event);
    if (kill === undefined || rec.events.length !== kill.at || c.closed) return;
    if (kill.what === "close") run.closeClient(c);
    else unsubscribe(run, kill.what, c);
  };
  const onLive = (live: boolean) => {
    // It stopped being live: it may miss events until a reconnect gap names its channel.
    if (!live && rec.wasLive && !rec.ended && !c.closed) c.awaitingGap.add(rec);
    if (live) rec.wasLive = true;
    run.signal.poke();
  };
  openSub(run, c, rec, {
    take,
    onLive,
    limit: 1_000_000,
    yieldedWhat: () => "an event",
  });
}

export { unsubscribe };
