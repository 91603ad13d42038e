/**
 * What the React model test checks once a run has settled: every view shows
 * the server's state, channel views get each new event exactly once, and
 * nothing is left subscribed or listening once the components are gone.
 */
import { Dispatch, DispatchError, type StreamEvent } from "@dispatch/client";
import type { StreamEvent as ServerEvent } from "@dispatch/dev-server";
import { waitFor } from "@testing-library/react";
import { WebSocket } from "./helpers.js";
import type { Slot } from "./react-model-app.js";
import type { ReactRun } from "./react-model-run.js";
import { BOUND, bounded, TOKENS, tick } from "./react-model-support.js";

const terminalJob = (state: string | undefined) => state === "completed" || state === "failed";
const keyOf = (e: { type: string; topic: string; ts: string }) => `${e.type}|${e.topic}|${e.ts}`;

/** Whether DWP routing delivers `event` to a subscription on `channel`. */
function matches(channel: string, event: ServerEvent): boolean {
  if (channel === "firehose") return true;
  if (channel === "jobs") return event.type.startsWith("job.");
  if (channel === "workflows") return event.type.startsWith("workflow.");
  if (channel.startsWith("queue:"))
    return event.type.startsWith("job.") && event.data.queue === channel.slice(6);
  return event.topic === channel;
}

/** Waits until `mismatches()` is empty; fails with the last ones after BOUND. */
export async function converge(run: ReactRun, what: string, mismatches: () => string[]): Promise<void> {
  let last: string[] = [];
  try {
    await run.signal.until(
      () => {
        last = mismatches();
        return last.length === 0;
      },
      BOUND,
      what,
    );
  } catch {
    throw new Error(`${what}: still ${JSON.stringify(last)}`);
  }
}

/**
 * Signed in, every restart over, every job and run either finished or held
 * at its gate, the client open; then every view must show the server's state
 * (running ones included).
 */
export async function atRest(run: ReactRun): Promise<void> {
  // A token string: after a refusal only a new string starts a new client (README).
  if (run.model.token !== TOKENS[0] || run.model.tokenAs !== "string") {
    run.model.token = TOKENS[0];
    run.model.tokenAs = "string";
    run.rerender();
  }
  await bounded("restart", run.restarting ?? Promise.resolve());
  const { engine } = run.server;
  await converge(run, "jobs and runs at rest", () => [
    ...run.jobs.filter((id) => !run.gates.has(id) && !terminalJob(engine.getJob(id)?.state)),
    ...run.runs.filter((id) => !run.gates.has(id) && engine.getRun(id)?.state === "running"),
  ]);
  await run.waitOpen(true);
  await viewsMatchServer(run);
}

/** Every job and run (but the probe job) finished, every request settled, the client open. */
export async function settle(run: ReactRun): Promise<void> {
  const { engine } = run.server;
  await converge(run, "jobs and runs finish", () => {
    for (const id of [...run.gates.keys()]) if (id !== run.probeJob) run.release(id);
    return [
      ...run.jobs.filter((id) => id !== run.probeJob && !terminalJob(engine.getJob(id)?.state)),
      ...run.runs.filter((id) => engine.getRun(id)?.state === "running"),
      // A workflow.start may not have reached the server yet.
      ...run.requests.filter((r) => !r.settled).map((r) => r.what),
    ];
  });
  const outcomes = await bounded("requests settle", Promise.allSettled(run.requests.map((r) => r.promise)));
  for (const [i, o] of outcomes.entries())
    if (o.status === "rejected" && !(o.reason instanceof DispatchError))
      throw new Error(`${run.requests[i]?.what} rejected with ${String(o.reason)}`);
  await run.waitOpen(true);
  // Replaced clients (signing in or out, a remounted provider) are closed.
  await tick();
  for (const c of run.clients.slice(0, -1))
    if (c.state !== "closed") throw new Error(`a replaced client is still ${c.state}`);
}

const mounted = (run: ReactRun, kind: Slot["kind"]) =>
  run.model.slots.filter((s): s is Slot => s !== undefined && s.kind === kind);

/** Channel and probe-job views are live (their subscriptions confirmed on this session), connection views open. */
export async function allLive(run: ReactRun): Promise<void> {
  await converge(run, "views live", () => [
    ...mounted(run, "conn")
      .filter((s) => s.view.data !== "open")
      .map((s) => `conn ${String(s.view.data)}`),
    ...mounted(run, "channel")
      .filter((s) => !s.view.isLive)
      .map((s) => `channel ${s.target}`),
    ...mounted(run, "job")
      .filter((s) => s.target === run.probeJob && !s.view.isLive)
      .map((s) => `probe job ${s.target}`),
  ]);
}

/**
 * Publishes new events (hand-made ones on other topics, the probe job
 * finishing, a new run) and checks each channel view got each matching one
 * exactly once, through onEvent and in its rendered events.
 */
export async function probe(run: ReactRun): Promise<number> {
  const from = run.published.length;
  const made: ServerEvent[] = [
    { type: "job.started", topic: "job:job_probe_a", data: { job_id: "job_probe_a", queue: "a" } },
    { type: "job.completed", topic: "job:job_probe_d", data: { job_id: "job_probe_d", queue: "default" } },
    { type: "workflow.step_completed", topic: "workflow:wfrun_probe", data: { run_id: "wfrun_probe" } },
  ].map((e, i) => ({ ...e, ts: `2030-01-01T00:00:0${i}Z` }) as ServerEvent);
  for (const e of made) run.server.publish(e);
  run.release(run.probeJob);
  await bounded("probe run", run.server.engine.startWorkflow("quick", undefined));
  await converge(run, "probe job completes", () =>
    terminalJob(run.server.engine.getJob(run.probeJob)?.state) ? [] : [run.probeJob],
  );
  const events = [...made, ...run.published.slice(from)];
  // The server writes events before the answer to a later request: all have arrived.
  await bounded("stats barrier", run.client.stats({ timeout: BOUND }));
  const keys = new Set(events.map(keyOf));
  let deliveries = 0;
  const counts = (list: readonly StreamEvent[]) => {
    const n = new Map<string, number>();
    for (const e of list) if (keys.has(keyOf(e))) n.set(keyOf(e), (n.get(keyOf(e)) ?? 0) + 1);
    return n;
  };
  const wrong = (channel: string, got: Map<string, number>) =>
    events
      .filter((e) => (got.get(keyOf(e)) ?? 0) !== (matches(channel, e) ? 1 : 0))
      .map((e) => `${channel}: ${keyOf(e)} ×${got.get(keyOf(e)) ?? 0}`);
  for (const s of mounted(run, "channel")) {
    const heard = s.view.heard.filter((h) => h.channel === s.target).map((h) => h.event);
    const bad = wrong(s.target, counts(heard));
    if (bad.length > 0) throw new Error(`onEvent: ${JSON.stringify(bad)}`);
    deliveries += events.filter((e) => matches(s.target, e)).length;
  }
  // The rendered buffers are written once per frame; a useJob's events are its own.
  await converge(run, "rendered events", () => [
    ...mounted(run, "channel").flatMap((s) => wrong(s.target, counts(s.view.events))),
    ...mounted(run, "job")
      .filter((s) => s.target === run.probeJob)
      .flatMap((s) => wrong(`job:${s.target}`, counts(s.view.events))),
  ]);
  // "Duplicates dropped": no job view lists an event twice.
  for (const s of mounted(run, "job")) {
    const seen = new Set(s.view.events.map(keyOf));
    if (seen.size !== s.view.events.length) throw new Error(`job ${s.target} events have duplicates`);
  }
  return deliveries;
}

type Expected = { data: unknown } | { code: number | string };

async function read(run: ReactRun, s: Slot): Promise<Expected> {
  try {
    if (s.kind === "job") return { data: await run.client.getJob(s.target, { timeout: BOUND }) };
    const [r, timeline] = await Promise.all([
      run.client.getWorkflow(s.target, { timeout: BOUND }),
      run.client.workflowTimeline(s.target, { timeout: BOUND }),
    ]);
    return { data: { run: r, steps: timeline.map((t) => t.step_name) } };
  } catch (error) {
    if (!(error instanceof DispatchError)) throw error;
    return { code: error.code };
  }
}

function shown(s: Slot): Expected | undefined {
  const { data, error } = s.view;
  if (error instanceof DispatchError && data === undefined) return { code: error.code };
  if (data === undefined) return undefined;
  if (s.kind === "job") return { data };
  const d = data as { run: unknown; steps: Array<{ name: string }> };
  return { data: { run: d.run, steps: d.steps.map((step) => step.name) } };
}

/** Every mounted useJob / useWorkflowRun shows what the server answers now (everything has finished). */
export async function viewsMatchServer(run: ReactRun): Promise<void> {
  const slots = [...mounted(run, "job"), ...mounted(run, "run")];
  const expected = new Map<string, string>();
  for (const s of slots)
    expected.set(`${s.kind}:${s.target}`, JSON.stringify(await bounded("server read", read(run, s))));
  await converge(run, "views show the server's state", () =>
    slots
      .filter((s) => JSON.stringify(shown(s)) !== expected.get(`${s.kind}:${s.target}`))
      .map(
        (s) =>
          `${s.kind} ${s.target}: shows ${JSON.stringify(shown(s))}, server ${expected.get(`${s.kind}:${s.target}`)}`,
      ),
  );
}

/** All components gone: after the linger every client listener is removed and the server holds no topic. */
export async function nothingLeftAfterUnmount(run: ReactRun): Promise<void> {
  run.model.slots.fill(undefined);
  run.rerender();
  // The linger is 1.5 s (DEFAULT_LINGER_MS), and a read's own hold lingers from when it ended.
  await converge(run, "client listeners removed", () =>
    run.clients.flatMap((c, i) => (run.listeners.get(c) ? [`client ${i}: ${run.listeners.get(c)}`] : [])),
  );
  const observed = [...run.caches].flatMap((cache) =>
    cache
      .getQueryCache()
      .getAll()
      .filter((q) => q.getObserversCount() > 0)
      .map((q) => JSON.stringify(q.queryKey)),
  );
  if (observed.length > 0) throw new Error(`queries still observed: ${observed.join(", ")}`);
  await waitFor(
    async () => {
      const { broker } = await run.client.stats({ timeout: BOUND });
      if (broker.topic_count !== 0 || broker.subscriber_count !== 1)
        throw new Error(`broker after unmount: ${JSON.stringify(broker)}`);
    },
    { timeout: BOUND, interval: 20 },
  );
}

/** The whole tree gone: every client the provider made is closed, and the server has no session left. */
export async function nothingLeftAfterProvider(run: ReactRun): Promise<void> {
  run.view?.unmount();
  run.view = undefined;
  await tick();
  for (const c of run.clients)
    if (c.state !== "closed") throw new Error(`client still ${c.state} after unmount`);
  const observer = new Dispatch({ url: run.server.url, token: TOKENS[0], WebSocket, heartbeatInterval: 0 });
  try {
    await waitFor(
      async () => {
        const { broker } = await observer.stats();
        if (broker.topic_count !== 0 || broker.subscriber_count !== 1)
          throw new Error(`broker after the provider unmounted: ${JSON.stringify(broker)}`);
      },
      { timeout: BOUND, interval: 20 },
    );
  } finally {
    observer.close();
  }
}
