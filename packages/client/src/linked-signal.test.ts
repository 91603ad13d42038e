import { describe, expect, it, vi } from "vitest";
import { linkSignals, raceAbort } from "./linked-signal.js";

describe("linkSignals", () => {
  it("aborts with the reason of whichever source fires, and ignores missing ones", () => {
    const a = new AbortController();
    const b = new AbortController();
    const { signal } = linkSignals(a.signal, undefined, b.signal);
    expect(signal.aborted).toBe(false);
    b.abort("closed");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("closed");
  });

  it("starts aborted when a source already is", () => {
    const { signal } = linkSignals(undefined, AbortSignal.abort("early"));
    expect(signal.reason).toBe("early");
  });

  it("lets go of long-lived sources once released, so they keep nothing per call", () => {
    const closer = new AbortController();
    const added = vi.spyOn(closer.signal, "addEventListener");
    const removed = vi.spyOn(closer.signal, "removeEventListener");
    const calls = Array.from({ length: 3 }, () => linkSignals(closer.signal));
    for (const call of calls) call.release();
    expect(removed.mock.calls.map(([, listener]) => listener)).toEqual(
      added.mock.calls.map(([, listener]) => listener),
    );
    closer.abort();
    expect(calls.some((call) => call.signal.aborted)).toBe(false);
  });
});

describe("raceAbort", () => {
  it("settles as the work does, or with the signal's reason as soon as it aborts", async () => {
    await expect(raceAbort(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
    const controller = new AbortController();
    const never = raceAbort(new Promise<number>(() => {}), controller.signal);
    controller.abort("closed");
    await expect(never).rejects.toBe("closed");
  });

  it("handles the work's failure even when the signal had fired already (nothing unhandled)", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const late = Promise.reject(new Error("body read aborted"));
      await expect(raceAbort(late, AbortSignal.abort("closed"))).rejects.toBe("closed");
      // Node reports an unhandled rejection once the microtasks of this turn ran out.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
