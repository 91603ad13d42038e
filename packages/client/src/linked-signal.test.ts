import { describe, expect, it, vi } from "vitest";
import { linkSignals } from "./linked-signal.js";

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
