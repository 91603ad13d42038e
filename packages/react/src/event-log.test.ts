import type { StreamEvent } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { appendEvents, EMPTY_LOG, eventIdentity } from "./event-log.js";

const ev = (i: number): StreamEvent => ({
  type: "job.completed",
  ts: new Date(i).toISOString(),
  topic: `job:job_${i}`,
  data: { job_id: `job_${i}`, job_name: "x", queue: "default" },
});

describe("appendEvents", () => {
  it("keeps the newest `limit` and counts everything", () => {
    let log = EMPTY_LOG as typeof EMPTY_LOG | ReturnType<typeof appendEvents>;
    for (let i = 0; i < 50; i++) log = appendEvents(log, [ev(i * 2), ev(i * 2 + 1)], 30, i);
    expect(log.events).toHaveLength(30);
    expect(log.events[0]).toEqual(ev(70));
    expect(log.events.at(-1)).toEqual(ev(99));
    expect(log.received).toBe(100);
    expect(log.lastEventAt).toBe(49);
  });

  it("handles a batch larger than the limit and an empty batch", () => {
    const big = appendEvents(
      undefined,
      Array.from({ length: 10 }, (_, i) => ev(i)),
      3,
      1,
    );
    expect(big.events.map((e) => e.ts)).toEqual([ev(7).ts, ev(8).ts, ev(9).ts]);
    expect(appendEvents(big, [], 3, 2)).toBe(big);
  });

  it("identifies duplicates, not distinct events", () => {
    expect(eventIdentity(ev(1))).toBe(eventIdentity(structuredClone(ev(1))));
    expect(eventIdentity(ev(1))).not.toBe(eventIdentity(ev(2)));
  });
});
