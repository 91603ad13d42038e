/** The checks made once a run's commands are done and its clients settled (or closed). */
import { DispatchError } from "@dispatch/client";
import type { BrokerStats } from "@dispatch/dev-server";
import { wireOf } from "../model-shared/routing.js";
import { BOUND, tick, withBound } from "../model-shared/waits.js";
import { fenceEvent, paced } from "./publish.js";
import { type ClientRec, openStreams } from "./records.js";
import type { SseRun } from "./run.js";
import { sseStats } from "./stats.js";

/** Every request (and unsubscribe) settles, and rejects only with a DispatchError. */
export async function requestsSettle(run: SseRun): Promise<void> {
  const outcomes = await withBound(
    `requests settling (${run.requests.length})`,
    Promise.allSettled(run.requests.map((r) => r.promise)),
  );
  outcomes.forEach((o, i) => {
    const outcome = o.status === "fulfilled" ? "ok" : String((o.reason as DispatchError).code);
    sseStats.outcomes[outcome] = (sseStats.outcomes[outcome] ?? 0) + 1;
    if (o.status === "rejected" && !(o.reason instanceof DispatchError))
      run.fail(`${run.requests[i]?.what}: rejected with a non-DispatchError ${String(o.reason)}`);
  });
}

/** Lets the gated jobs finish: their job.completed must reach job:<id>, jobs, queue and firehose subscriptions. */
export async function releaseGates(run: SseRun): Promise<void> {
  const released = [...run.gates.keys()];
  for (const id of released) run.gates.get(id)?.();
  run.gates.clear();
  const done = (id: string) =>
    run.published.some((e) => e.topic === `job:${id}` && e.type === "job.completed");
  await run.signal.until(() => released.every(done), BOUND, "gated jobs completing");
}

/** The wire channels a client should hold one stream each for: those of its subscriptions. */
function wanted(c: ClientRec): Map<string, number> {
  return new Map(c.subs.filter((s) => !s.ended).map((s) => [wireOf(s.channel), 1]));
}

const same = (a: Map<string, number>, b: Map<string, number>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/**
 * Publishes one event per subscribed channel, until every channel has one
 * stream: an event that came through both of a rollover's streams ends it.
 */
export async function fence(run: SseRun): Promise<void> {
  for (let round = 0; round < 4; round++) {
    const channels = new Set(run.alive.flatMap((c) => c.subs.filter((s) => !s.ended).map((s) => s.channel)));
    for (const channel of channels) run.publish(fenceEvent(run, channel));
    if (!(await paced(run, BOUND))) run.fail("fence events not taken");
    if (run.alive.every((c) => same(openStreams(c), wanted(c)))) return;
  }
}

/** Each event published while a subscription was live reached it, unless a later reconnect gap named it. */
export function checkDeliveries(run: SseRun): void {
  for (const c of run.clients)
    for (const s of c.subs) {
      sseStats.expected += s.expected.length;
      for (const idx of s.expected) {
        if (s.got.has(idx) || s.ended) continue;
        if (run.excused(s, idx)) {
          sseStats.excused++;
          continue;
        }
        const e = run.published[idx];
        run.fail(
          `client ${c.n} sub ${s.id} (${s.channel}, ${s.mode}) missed #${idx} ${e?.type} ${e?.topic} with no gap after it (gaps: ${JSON.stringify(c.gaps)})`,
        );
      }
    }
}

/** A subscription that stopped being live was named by a reconnect gap afterwards. */
export function checkGaps(run: SseRun): void {
  for (const c of run.alive)
    for (const s of c.awaitingGap)
      run.fail(`client ${c.n} sub ${s.id} (${s.channel}) went down but no reconnect gap named it`);
}

export async function brokerStats(run: SseRun): Promise<BrokerStats> {
  const response = await fetch(`${run.server.httpUrl}/dwp/rpc`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: "dk_test_sse_model" },
    body: JSON.stringify({ id: "model-stats", type: "request", method: "stats", ts: new Date() }),
  });
  return ((await response.json()) as { data: { broker: BrokerStats } }).data.broker;
}

/**
 * Each client holds one stream per subscribed wire channel and none other,
 * and the server's broker holds exactly the streams the clients hold open.
 */
export async function streamsMatch(run: SseRun): Promise<void> {
  for (const c of run.alive) {
    const open = openStreams(c);
    if (!same(open, wanted(c)))
      run.fail(
        `client ${c.n} holds streams ${JSON.stringify([...open])}, wants ${JSON.stringify([...wanted(c)])}`,
      );
  }
  await serverHolds(run, "settled");
}

/** The broker's subscribers are the clients' open streams (re-asked: a close reaches the server a moment later). */
export async function serverHolds(run: SseRun, when: string): Promise<void> {
  let stats: BrokerStats | undefined;
  let want = { subscribers: 0, topics: 0 };
  for (let attempt = 0; attempt < 100; attempt++) {
    const streams = run.clients.flatMap((c) => c.streams.filter((s) => s.open));
    want = { subscribers: streams.length, topics: new Set(streams.map((s) => s.channel)).size };
    stats = await withBound("stats", brokerStats(run));
    if (stats.subscriber_count === want.subscribers && stats.topic_count === want.topics) return;
    await tick();
  }
  run.fail(
    `${when}: server has ${stats?.subscriber_count} SSE subscribers on ${stats?.topic_count} topics, clients hold ${want.subscribers} on ${want.topics}`,
  );
}

/** After close(): no stream open or opening on the client, none on the server. */
export async function nothingHeld(run: SseRun): Promise<void> {
  const idle = () => run.clients.every((c) => c.pending === 0 && c.streams.every((s) => !s.open));
  await run.signal.until(idle, BOUND, "closed clients' streams ending").catch((err: Error) => {
    const held = run.clients.map(
      (c) => `client ${c.n}: ${JSON.stringify([...openStreams(c)])} +${c.pending}`,
    );
    run.fail(`${err.message}: ${held.join("; ")}`);
  });
  await serverHolds(run, "after close");
}

export async function iteratorsEnd(run: SseRun): Promise<void> {
  const ended = run.clients.flatMap((c) => c.subs.filter((s) => s.mode !== "listener" && s.ended));
  await run.signal.until(() => ended.every((s) => s.iterDone), BOUND, "ended iterators to finish");
}

export function checkEnded(run: SseRun): void {
  for (const c of run.clients)
    for (const s of c.subs) {
      // An iterator-only subscription may still yield what it had buffered, plus the
      // event already handed to a pending next() when it ended.
      const allowed = s.mode === "iterator" ? s.bufferedAtEnd + 1 : 0;
      if (s.deliveredAfterEnd > allowed)
        run.fail(`sub ${s.id} (${s.channel}, ${s.mode}) got ${s.deliveredAfterEnd} events after it ended`);
      const key = (e: { type: string; topic: string; ts: string }) => `${e.type}|${e.topic}|${e.ts}`;
      const yielded = s.yielded.map(key).join();
      const seen = s.events.map(key).join();
      if (s.mode === "both" && s.iterDone && (s.ended ? !seen.startsWith(yielded) : yielded !== seen))
        run.fail(
          `sub ${s.id} (${s.channel}): iterator yielded ${s.yielded.length}, listener saw ${s.events.length}`,
        );
      if (s.iterError !== undefined)
        run.fail(`sub ${s.id} (${s.channel}) iterator threw ${String(s.iterError)}`);
      if (!s.ended) {
        if (s.sub.closed) run.fail(`sub ${s.id} (${s.channel}) closed without being unsubscribed`);
        continue;
      }
      sseStats.endedChecked++;
      if (!s.sub.closed) run.fail(`sub ${s.id} (${s.channel}) not closed after it ended`);
      if (s.sub.live) run.fail(`sub ${s.id} (${s.channel}) live after it ended`);
      if (s.onEnd.length !== 1 || s.onEnd[0] !== undefined)
        run.fail(`sub ${s.id} (${s.channel}) onEnd calls: ${JSON.stringify(s.onEnd.map(String))}`);
    }
}
