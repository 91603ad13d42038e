/**
 * The `sub` and `unsub` commands. Each subscription is read as its mode
 * says, and what it receives is checked as it arrives: routing, nothing
 * after it ended, `onLive(true)` only while open, an iterator that stays done.
 */
import type { StreamEvent } from "@dispatch/client";
import { channelOf } from "../model-shared/channels.js";
import { matches } from "../model-shared/routing.js";
import { openSub, unsubscribe } from "../model-shared/subscriptions.js";
import type { ChannelSpec, Mode } from "./commands.js";
import type { ClientRec, SubRec } from "./records.js";
import type { Run } from "./run.js";
import { stats } from "./stats.js";

export function subscribe(
  run: Run,
  spec: ChannelSpec,
  mode: Mode,
  kill: number | undefined,
  c: ClientRec,
): void {
  const channel = channelOf(run.knownJobs, spec);
  const id = run.nextSubId();
  if (c.client.state === "reconnecting") stats.subscribedWhileDown++;
  const rec = {
    id,
    channel,
    mode,
    client: c,
    events: [],
    yielded: [],
    confirmed: false,
    ended: false,
    bufferedAtEnd: 0,
    deliveredAfterEnd: 0,
    onEnd: [],
    iterDone: false,
    iterError: undefined,
  } as unknown as SubRec;
  const take = (event: StreamEvent) => {
    if (rec.ended) rec.deliveredAfterEnd++;
    if (!matches(channel, event)) run.fail(`sub ${id} (${channel}) got ${event.type} on ${event.topic}`);
    rec.events.push(event);
    run.signal.poke();
    if (kill !== undefined && rec.events.length === 1 && !c.closed) unsubscribe(run, kill, c);
  };
  const onLive = (live: boolean) => {
    if (live && c.client.state !== "open")
      run.fail(`sub ${id} (${channel}) went live while ${c.client.state}`);
    run.signal.poke();
  };
  openSub(run, c, rec, {
    take,
    onLive,
    limit: 100_000,
    yieldedWhat: (event) => event.type,
  });
}

export { unsubscribe };
