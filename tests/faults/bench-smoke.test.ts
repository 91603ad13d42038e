/**
 * A tiny run of `npm run bench` (one run, 1% scale), so the benchmark cannot
 * rot unnoticed: every figure comes out as a finite number, and the one
 * figure that is a correctness count (events lost in the subscribe race)
 * is zero. No speed thresholds: those would make the suite depend on the
 * machine's load.
 */
import { describe, expect, it } from "vitest";
import { runBench } from "../../bench/run.js";

const FIGURES = [
  "ingest_ratio_json",
  "ingest_ratio_msgpack",
  "bare_ws_events_per_s",
  "backlog_drain_ms",
  "heap_bytes_per_buffered_event",
  "concurrent_requests_per_s",
  "concurrent_requests_ratio",
  "subscribe_race_lost_events",
  "react_renders_per_s_under_flood",
];

describe("npm run bench, smoke", () => {
  it("produces every figure as a finite number, and loses no event in the subscribe race", async () => {
    const results = await runBench({ runs: 1, scale: 0.01 });
    expect(Object.keys(results).sort()).toEqual([...FIGURES].sort());
    for (const name of FIGURES) expect(Number.isFinite(results[name]), name).toBe(true);
    expect(results.subscribe_race_lost_events).toBe(0);
  }, 60_000);
});
