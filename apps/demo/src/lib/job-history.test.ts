import type { Job, JobEvent } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { historyOf } from "./job-history";
import { timeOf } from "./time";

const ID = "job_01h455vb4pex5vsknk084sn02q";
const BASE = Date.UTC(2026, 0, 2, 3, 4, 5);
/** `ms` after BASE, with the server's nanosecond digits. */
const at = (ms: number): string => new Date(BASE + ms).toISOString().replace("Z", "123456Z");

const event = (type: JobEvent["type"], ms: number, data: Partial<JobEvent["data"]> = {}): JobEvent => ({
  type,
  ts: at(ms),
  topic: `job:${ID}`,
  data: { job_id: ID, job_name: "flaky-job", queue: "default", ...data },
});

const job = (fields: Partial<Job>): Job => ({
  id: ID,
  name: "flaky-job",
  queue: "default",
  payload: null,
  state: "running",
  priority: 0,
  max_retries: 3,
  retry_count: 0,
  run_at: at(0),
  created_at: at(0),
  updated_at: at(0),
  ...fields,
});

/** `what@ms`, in the order shown. */
const steps = (entries: ReturnType<typeof historyOf>): string[] =>
  entries.map((e) => `${e.what}@${timeOf(e.at) - BASE}`);

describe("historyOf", () => {
  it("shows a start that came before the subscription, at the job's started_at", () => {
    expect(steps(historyOf(job({ started_at: at(3) }), []))).toEqual(["enqueued@0", "started@3"]);
    const completed = job({ state: "completed", started_at: at(3), completed_at: at(1500) });
    expect(steps(historyOf(completed, [event("job.completed", 1500)]))).toEqual([
      "enqueued@0",
      "started@3",
      "completed@1500",
    ]);
  });

  it("shows the latest attempt's start when only an earlier one was seen (a gap in between)", () => {
    // Attempt 1 seen live; attempt 2, due at 1100 after the retry, started while disconnected.
    const retried = job({ state: "completed", retry_count: 1, run_at: at(1100), started_at: at(1102) });
    const events = [
      event("job.enqueued", 0),
      event("job.started", 2),
      event("job.retrying", 100, { attempt: 1, next_run_at: at(1100) }),
      event("job.completed", 1600),
    ];
    expect(steps(historyOf(retried, events))).toEqual([
      "enqueued@0",
      "started@2",
      "retrying@100",
      "started@1102",
      "completed@1600",
    ]);
  });

  it("cannot show an earlier attempt's start it never saw: started_at is the latest attempt's only", () => {
    const retried = job({ state: "completed", retry_count: 1, run_at: at(1100), started_at: at(1102) });
    const events = [
      event("job.retrying", 100, { attempt: 1, next_run_at: at(1100) }),
      event("job.started", 1103),
      event("job.completed", 1600),
    ];
    expect(steps(historyOf(retried, events))).toEqual([
      "enqueued@0",
      "retrying@100",
      "started@1103",
      "completed@1600",
    ]);
  });

  it("does not repeat a start it saw: the event, not started_at", () => {
    // The server stamps started_at at dequeue, a moment before it publishes job.started.
    const seen = historyOf(job({ started_at: at(3) }), [event("job.enqueued", 0), event("job.started", 4)]);
    expect(steps(seen)).toEqual(["enqueued@0", "started@4"]);
  });

  it("shows the one start seen once while the job waits out its retry", () => {
    // started_at is still the first attempt's; the next attempt is due at run_at.
    const waiting = job({ state: "retrying", retry_count: 1, run_at: at(1100), started_at: at(1) });
    const seen = [
      event("job.enqueued", 0),
      event("job.started", 2),
      event("job.retrying", 100, { attempt: 1, next_run_at: at(1100) }),
    ];
    expect(steps(historyOf(waiting, seen))).toEqual(["enqueued@0", "started@2", "retrying@100"]);
  });
});
