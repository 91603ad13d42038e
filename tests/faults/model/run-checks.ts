/** The checks made once a run's commands are done and its clients settled (or closed). */
import { AbortError, DispatchError } from "@dispatch/client";
import type { StreamEvent as ServerEvent } from "@dispatch/dev-server";
import { keyOf, matches, wireOf } from "../model-shared/routing.js";
import { BOUND, tick, withBound } from "../model-shared/waits.js";
import type { Run } from "./run.js";
import { stats } from "./stats.js";

/** Every request (and unsubscribe) settles, and rejects only with a DispatchError. */
export async function requestsSettle(run: Run): Promise<void> {
  const outcomes = await withBound(
    `requests settling (${run.requests.length})`,
    Promise.allSettled(run.requests.map((r) => r.promise)),
  );
  for (const { label, promise } of run.abortedPending) {
    await promise.then(
      () => run.fail(`${label}: resolved after its signal aborted it while pending`),
      (err: unknown) => {
        if (!(err instanceof AbortError))
          run.fail(`${label}: aborted while pending, rejected with ${String(err)}`);
      },
    );
  }
  outcomes.forEach((o, i) => {
    const what = run.requests[i]?.what;
    const outcome = o.status === "fulfilled" ? "ok" : String((o.reason as DispatchError).code);
    stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
    if (o.status === "rejected" && !(o.reason instanceof DispatchError))
      run.fail(`${what}: rejected with a non-DispatchError ${String(o.reason)}`);
  });
}

/**
 * Publishes events once everything is live, and checks each live
 * subscription receives each one it matches exactly once.
 */
export async function probe(run: Run, probeQueue: string): Promise<void> {
  const alive = run.alive;
  const client = run.current.client;
  const subs = alive.flatMap((c) => c.subs);
  const fromEvent = run.published.length;
  const fromSub = new Map(subs.map((s) => [s, s.events.length]));

  // 1. A real job, in a queue; its enqueued, started and completed events.
  const { job_id } = await withBound(
    "probe enqueue",
    client.enqueue("quick", { probe: true }, probeQueue === "default" ? {} : { queue: probeQueue }),
  );
  // 2. Every gated job finishes now: job:<id> subscriptions of them see job.completed.
  const released = [...run.gates.keys()];
  for (const id of released) run.gates.get(id)?.();
  run.gates.clear();
  const done = (id: string) =>
    run.published.some((e, i) => i >= fromEvent && e.topic === `job:${id}` && e.type === "job.completed");
  await run.signal.until(() => [job_id, ...released].every(done), BOUND, "probe jobs completing");
  // 3. A real workflow (over the client's second socket), and a hand-made workflow event.
  const { run_id } = await withBound("probe workflow", client.startWorkflow("wf", { probe: true }));
  await run.signal.until(
    () =>
      run.published.some(
        (e, i) => i >= fromEvent && e.topic === `workflow:${run_id}` && e.type === "workflow.completed",
      ),
    BOUND,
    "probe workflow completing",
  );
  const wf: ServerEvent = {
    type: "workflow.started",
    ts: new Date().toISOString(),
    topic: "workflow:wfrun_probe",
    data: { run_id: "wfrun_probe", name: "probe" },
  };
  run.published.push(wf);
  run.server.publish(wf);
  const probeEvents = run.published.slice(fromEvent);
  // 4. Fence: the server writes in order, so once this is answered every frame above was routed.
  await withBound("fence stats", Promise.all(alive.map((c) => c.client.stats())));
  await tick();
  await tick();

  for (const s of subs) {
    if (s.ended) continue;
    stats.probeSubs++;
    if (!s.confirmed) run.fail(`client ${s.client.n} sub ${s.id} (${s.channel}) live but ready not resolved`);
    const got = new Map<string, number>();
    for (const e of s.events.slice(fromSub.get(s) ?? 0)) got.set(keyOf(e), (got.get(keyOf(e)) ?? 0) + 1);
    for (const e of probeEvents) {
      const want = matches(s.channel, e) ? 1 : 0;
      stats.probeDeliveries += want;
      const n = got.get(keyOf(e)) ?? 0;
      if (n !== want)
        run.fail(
          `client ${s.client.n} sub ${s.id} (${s.channel}, ${s.mode}) got ${e.type} ${e.topic} ${n} times, want ${want}`,
        );
    }
  }
}

/** The server's broker holds exactly the client's wire channels (unsubscribes went out). */
export async function brokerMatches(run: Run): Promise<void> {
  const c = run.current;
  const live = run.alive.flatMap((a) => a.subs).filter((s) => !s.ended);
  const want = new Set(live.map((s) => wireOf(s.channel))).size;
  let last = -1;
  // Old connections' cleanup and the last unsubscribe answers may still be on their way: re-ask, bounded.
  for (let attempt = 0; attempt < 50; attempt++) {
    const stats = await withBound("stats", c.client.stats());
    last = stats.broker.topic_count;
    if (last === want) return;
    await tick();
  }
  run.fail(`server broker has ${last} topics, client has ${want} wire channels`);
}

export function checkEnded(run: Run): void {
  for (const c of run.clients) {
    for (const s of c.subs) {
      // An iterator-only subscription may still yield what it had buffered, plus
      // the one event already handed to a pending next() when it ended.
      const allowed = s.mode === "iterator" ? s.bufferedAtEnd + 1 : 0;
      if (s.deliveredAfterEnd > allowed)
        run.fail(`sub ${s.id} (${s.channel}, ${s.mode}) got ${s.deliveredAfterEnd} events after it ended`);
      // The iterator yields what the listener saw, in order; one that ended may stop short.
      const yielded = s.yielded.map(keyOf).join();
      const seen = s.events.map(keyOf).join();
      if (s.mode === "both" && s.iterDone && (s.ended ? !seen.startsWith(yielded) : yielded !== seen))
        run.fail(
          `sub ${s.id} (${s.channel}): iterator yielded ${s.yielded.length} events, listener saw ${s.events.length}`,
        );
      if (s.iterError !== undefined)
        run.fail(`sub ${s.id} (${s.channel}) iterator threw ${String(s.iterError)}`);
      if (!s.ended) {
        if (s.sub.closed) run.fail(`sub ${s.id} (${s.channel}) closed without being unsubscribed`);
        continue;
      }
      stats.endedChecked++;
      if (!s.sub.closed) run.fail(`sub ${s.id} (${s.channel}) not closed after it ended`);
      if (s.sub.live) run.fail(`sub ${s.id} (${s.channel}) live after it ended`);
      if (s.onEnd.length !== 1 || s.onEnd[0] !== undefined)
        run.fail(`sub ${s.id} (${s.channel}) onEnd calls: ${JSON.stringify(s.onEnd.map(String))}`);
    }
  }
}

export async function iteratorsEnd(run: Run): Promise<void> {
  const ended = run.clients.flatMap((c) => c.subs.filter((s) => s.mode !== "listener" && s.ended));
  await run.signal.until(() => ended.every((s) => s.iterDone), BOUND, "ended iterators to finish");
}

export function checkGaps(run: Run): void {
  for (const c of run.alive)
    for (const s of c.awaitingGap)
      run.fail(
        `client ${c.n} sub ${s.id} (${s.channel}) existed at a drop but no reconnect gap named it (gaps: ${JSON.stringify(c.gaps)})`,
      );
}
