import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { idleStatus, Observable } from "./connection-state.js";
import { timerDelay } from "./timer-delay.js";
import { waitUntilOpen } from "./wait-open.js";

describe("timerDelay", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("caps what setTimeout would fire at once, and leaves ordinary delays alone", () => {
    expect(timerDelay(Number.POSITIVE_INFINITY)).toBe(2_147_483_647);
    expect(timerDelay(40 * 86_400_000)).toBe(2_147_483_647);
    expect(timerDelay(30_000)).toBe(30_000);
    expect(timerDelay(-5)).toBe(0);
  });

  it("lets connect({ timeout: Infinity }) wait instead of timing out at once", async () => {
    const status = new Observable(idleStatus("json"));
    let outcome = "pending";
    waitUntilOpen(status, Number.POSITIVE_INFINITY, undefined).then(
      () => {
        outcome = "open";
      },
      (err: Error) => {
        outcome = err.name;
      },
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outcome).toBe("pending");
    status.set({ ...status.get(), state: "open", sessionId: "s1" });
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toBe("open");
  });
});
