import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_DELAY, setLongTimeout } from "./long-timer.js";

const DAY = 24 * 3600_000;

describe("setLongTimeout", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits the whole of a delay longer than setTimeout holds", () => {
    const fn = vi.fn();
    setLongTimeout(fn, 60 * DAY);
    vi.advanceTimersByTime(60 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
  });

  it("fires a short delay on time, and a negative one at once", () => {
    const fn = vi.fn();
    setLongTimeout(fn, 10);
    setLongTimeout(fn, -5);
    vi.advanceTimersByTime(0);
    expect(fn).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(10);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("never fires Infinity, and cancels in any chunk", () => {
    const fn = vi.fn();
    setLongTimeout(fn, Number.POSITIVE_INFINITY);
    const cancel = setLongTimeout(fn, 3 * MAX_TIMER_DELAY);
    vi.advanceTimersByTime(MAX_TIMER_DELAY + 1);
    cancel();
    vi.advanceTimersByTime(10 * MAX_TIMER_DELAY);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
