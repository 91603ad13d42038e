/**
 * A slow consumer: one subscription is not read at all while the stream
 * runs; another subscription on the same client keeps flowing.
 *
 * Time scale: "not read for 5 s" at 2,000 events/s is 10,000
 * events arriving while unread. A subscription's bound counts events, not
 * time, so publishing those 10,000 as fast as the server delivers them is
 * the same situation compressed: the same events reach the same buffer.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { GapEvent, StreamEvent } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { clientOf, numbered, Signal, seqOf, startServer } from "./helpers.js";

const TOTAL = 10_000;
const BOUND = 2_000;
const BATCH = 200;

/** `global.gc`, which vitest workers are not started with. */
function collectGarbage(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

describe("slow consumer", () => {
  it("credits keep the other subscription flowing; the unread one keeps the newest `maxBuffered` and reports one overflow gap", async () => {
    const server = await startServer();
    const client = clientOf(server);
    const signal = new Signal();
    const gaps: GapEvent[] = [];
    client.onGap((gap) => gaps.push(gap));

    const slow = client.subscribe("firehose", { maxBuffered: BOUND });
    // Obtaining the iterator is what makes a subscription buffer; it is then never read.
    const slowIterator = slow[Symbol.asyncIterator]();
    const flowing: number[] = [];
    const early: Array<WeakRef<StreamEvent>> = [];
    const fast = client.subscribe("jobs", (event) => {
      const seq = seqOf(event);
      if (seq === undefined) return;
      flowing.push(seq);
      if (seq < 100) early.push(new WeakRef(event));
      signal.poke();
    });
    await Promise.all([slow.ready, fast.ready]);

    for (let sent = 0; sent < TOTAL; sent += BATCH) {
      for (let seq = sent; seq < sent + BATCH; seq++) server.publish(numbered(seq));
      await signal.until(() => flowing.length >= sent + BATCH, 10_000, `event ${sent + BATCH - 1}`);
    }

    // The other subscription got everything, in order, although one was never read.
    expect(flowing).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    // Bounded, and dropped exactly what the bound forced.
    expect(slow.buffered).toBe(BOUND);
    expect(slow.dropped).toBe(TOTAL - BOUND);
    expect(gaps).toEqual([{ channels: ["firehose"], reason: "overflow" }]);
    // Memory stays bounded: events dropped by the bound are no longer held.
    await new Promise<void>((resolve) => setImmediate(resolve)); // WeakRef targets live to the end of the job
    collectGarbage()();
    expect(early.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    // What is kept is exactly the newest BOUND events, in order.
    const kept: number[] = [];
    while (kept.length < BOUND) {
      const next = await slowIterator.next();
      if (next.done) break;
      const seq = seqOf(next.value);
      if (seq !== undefined) kept.push(seq);
    }
    expect(kept).toEqual(Array.from({ length: BOUND }, (_, i) => TOTAL - BOUND + i));
    expect(slow.buffered).toBe(0);
  });
});
