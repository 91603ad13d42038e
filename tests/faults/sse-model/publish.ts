/**
 * Bursts of hand-made events through the server's broker, and the fence
 * events the final checks publish. The dev server drops an event for a
 * stream that has 256 writes in flight, as Go does, with nothing on the wire
 * to say so: a burst goes out in batches of 100, each once every live
 * subscription took (or was told it may have missed) the batch, and no
 * stream the client began opening meanwhile is still waiting for its answer.
 */
import type { Channel } from "@dispatch/client";
import type { StreamEvent as ServerEvent } from "@dispatch/dev-server";
import { tick } from "../model-shared/waits.js";
import type { BurstTarget } from "./commands.js";
import type { SseRun } from "./run.js";
import { sseStats } from "./stats.js";

const BATCH = 100;
/** A batch not taken within this is let go: the final checks tell whether it was lost. */
const PACE_MS = 2_000;

function jobEvent(run: SseRun, id: string, queue: string): ServerEvent {
  return { type: "job.started", ts: run.nextTs(), topic: `job:${id}`, data: { job_id: id, queue } };
}

function workflowEvent(run: SseRun, id: string): ServerEvent {
  return {
    type: "workflow.started",
    ts: run.nextTs(),
    topic: `workflow:${id}`,
    data: { run_id: id, name: "m" },
  };
}

/**
 * Every live subscription took what it must have, and no SSE request waits
 * for its headers. One that is down (its page cached, its stream re-opening)
 * takes nothing until the gap that will excuse what it missed.
 */
function caughtUp(run: SseRun): boolean {
  return run.alive.every((c) => c.pending === 0 && c.subs.every((s) => !s.sub.live || run.caughtUp(s)));
}

/** Waits for the events published so far to be taken; a rollover's new stream gets a few turns to go out. */
export async function paced(run: SseRun, ms = PACE_MS): Promise<boolean> {
  for (let round = 0; round < 5; round++) {
    try {
      await run.signal.until(() => caughtUp(run), ms, "a batch taken");
    } catch {
      sseStats.pacingTimeouts++;
      return false;
    }
    await tick();
    await tick();
    if (caughtUp(run)) return true;
  }
  return caughtUp(run);
}

/** Publishes `n` events in paced batches; `between(k)` runs before batch k (from 1). */
export async function burst(
  run: SseRun,
  target: BurstTarget,
  n: number,
  between: (batch: number) => Promise<void>,
): Promise<void> {
  sseStats.bursts++;
  const job = run.knownJobs[target.kind === "job" ? target.i % Math.max(1, run.knownJobs.length) : 0];
  for (let sent = 0, batch = 0; sent < n; batch++) {
    if (batch > 0) await between(batch);
    for (let k = 0; k < BATCH && sent < n; k++, sent++) {
      run.publish(
        target.kind === "job"
          ? jobEvent(run, job?.id ?? "job_burst", target.q)
          : workflowEvent(run, "wfrun_burst"),
      );
      sseStats.published++;
    }
    await paced(run);
  }
}

/** One event that reaches `channel` (and its wire channel's other subscriptions as they match). */
export function fenceEvent(run: SseRun, channel: Channel): ServerEvent {
  if (channel === "workflows") return workflowEvent(run, "wfrun_fence");
  if (channel.startsWith("job:")) return jobEvent(run, channel.slice(4), "default");
  if (channel.startsWith("queue:")) return jobEvent(run, "job_fence", channel.slice(6));
  return jobEvent(run, "job_fence", "default");
}
