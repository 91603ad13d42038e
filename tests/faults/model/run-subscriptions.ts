/**
 * The `sub` and `unsub` commands. Each subscription is read as its mode
 * says, and what it receives is checked as it arrives: routing, nothing
 * after it ended, `onLive(true)` only while open, an iterator that stays done.
 */
import type { Channel, StreamEvent } from "@dispatch/client";
import type { ChannelSpec, Mode } from "./commands.js";
import type { ClientRec, SubRec } from "./records.js";
import { matches } from "./routing.js";
import type { Run } from "./run.js";
import { stats } from "./stats.js";

function channelOf(run: Run, spec: ChannelSpec): Channel {
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

export function subscribe(
  run: Run,
  spec: ChannelSpec,
  mode: Mode,
  kill: number | undefined,
  c: ClientRec,
): void {
  const channel = channelOf(run, spec);
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
  if (mode !== "listener") {
    void (async () => {
      try {
        // By hand rather than for-await, to ask once more after `done`: it must stay done.
        const it = rec.sub[Symbol.asyncIterator]();
        for (let n = 0; n < 100_000; n++) {
          const r = await it.next();
          if (r.done) break;
          if (mode === "iterator") take(r.value);
          else rec.yielded.push(r.value);
        }
        const again = await it.next();
        if (!again.done)
          run.fail(`sub ${id} (${channel}, ${mode}): next() after done yielded ${again.value.type}`);
      } catch (err) {
        rec.iterError = err;
      } finally {
        rec.iterDone = true;
        run.signal.poke();
      }
    })();
  }
}

export function unsubscribe(run: Run, i: number, c: ClientRec): void {
  const subs = c.subs;
  if (subs.length === 0) return;
  const s = subs[i % subs.length] as SubRec;
  run.markEnded(s);
  run.track(`unsubscribe ${s.id}`, s.sub.unsubscribe());
}
