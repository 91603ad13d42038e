/**
 * The `sub` and `unsub` commands. Each subscription is read as its mode
 * says; what it takes is checked as it arrives (SseRun.took): its channel's,
 * published, in publication order, at most once, nothing after it ended.
 */
import type { Channel } from "@dispatch/client";
import type { ChannelSpec, Kill, Mode } from "./commands.js";
import type { ClientRec, SubRec } from "./records.js";
import type { SseRun } from "./run.js";

export function channelOf(run: SseRun, spec: ChannelSpec): Channel {
  switch (spec.kind) {
    case "jobs":
    case "firehose":
    case "workflows":
      return spec.kind;
    case "queue":
      return `queue:${spec.q}`;
    case "job": {
      const job = run.knownJobs[spec.i % Math.max(1, run.knownJobs.length)];
      return `job:${job?.id ?? "job_none"}`;
    }
  }
}

export function subscribe(run: SseRun, spec: ChannelSpec, mode: Mode, kill: Kill, c: ClientRec): void {
  const channel = channelOf(run, spec);
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
  const onEnd = (error: unknown) => {
    rec.onEnd.push(error);
    run.signal.poke();
  };
  rec.sub = c.client.subscribe(
    channel,
    mode === "iterator" ? { onLive, onEnd } : { listener: take, onLive, onEnd },
  );
  rec.sub.ready.then(
    () => (rec.confirmed = true),
    () => {},
  );
  c.subs.push(rec);
  if (mode === "listener") return;
  void (async () => {
    try {
      // By hand rather than for-await, to ask once more after `done`: it must stay done.
      const it = rec.sub[Symbol.asyncIterator]();
      for (let n = 0; n < 1_000_000; n++) {
        const r = await it.next();
        if (r.done) break;
        if (mode === "iterator") take(r.value);
        else rec.yielded.push(r.value);
      }
      const again = await it.next();
      if (!again.done) run.fail(`sub ${rec.id} (${channel}, ${mode}): next() after done yielded an event`);
    } catch (err) {
      rec.iterError = err;
    } finally {
      rec.iterDone = true;
      run.signal.poke();
    }
  })();
}

export function unsubscribe(run: SseRun, i: number, c: ClientRec): void {
  const subs = c.subs;
  if (subs.length === 0) return;
  const s = subs[i % subs.length] as SubRec;
  run.markEnded(s);
  run.track(`unsubscribe ${s.id}`, s.sub.unsubscribe());
}
