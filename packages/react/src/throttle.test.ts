import { afterEach, describe, expect, it, vi } from "vitest";
import { frameBatcher, nextFrame } from "./throttle.js";

function manualFrames() {
  const queue: Array<() => void> = [];
  return {
    schedule: (callback: () => void) => {
      queue.push(callback);
      return () => {
        const index = queue.indexOf(callback);
        if (index >= 0) queue.splice(index, 1);
      };
    },
    tick: () => {
      for (const callback of queue.splice(0)) callback();
    },
    get pending() {
      return queue.length;
    },
  };
}

describe("frameBatcher", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("delivers everything pushed in a frame as one batch", () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = frameBatcher<number>((batch) => batches.push(batch), { schedule: frames.schedule });
    for (let i = 0; i < 1000; i++) batcher.push(i);
    expect(frames.pending).toBe(1);
    frames.tick();
    batcher.push(1000);
    frames.tick();
    expect(batches.map((b) => b.length)).toEqual([1000, 1]);
  });

  it("bounds what waits for a stalled frame", () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = frameBatcher<number>((batch) => batches.push(batch), {
      schedule: frames.schedule,
      maxPending: 10,
    });
    for (let i = 0; i < 10_000; i++) batcher.push(i);
    expect(batcher.size).toBeLessThanOrEqual(20);
    frames.tick();
    expect(batches[0]?.at(-1)).toBe(9999);
  });

  it("flushes now and cancels", () => {
    const frames = manualFrames();
    const seen: number[] = [];
    const batcher = frameBatcher<number>((batch) => seen.push(...batch), { schedule: frames.schedule });
    batcher.push(1);
    batcher.flush();
    expect(seen).toEqual([1]);
    expect(frames.pending).toBe(0);
    batcher.push(2);
    batcher.cancel();
    frames.tick();
    expect(seen).toEqual([1]);
  });

  it("uses requestAnimationFrame, else a 16 ms timer", () => {
    const raf = vi.fn((callback: FrameRequestCallback) => {
      callback(0);
      return 1;
    });
    vi.stubGlobal("requestAnimationFrame", raf);
    const called = vi.fn();
    nextFrame(called);
    expect(raf).toHaveBeenCalledOnce();
    expect(called).toHaveBeenCalledOnce();

    vi.stubGlobal("requestAnimationFrame", undefined);
    vi.useFakeTimers();
    const later = vi.fn();
    nextFrame(later);
    vi.advanceTimersByTime(15);
    expect(later).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(later).toHaveBeenCalledOnce();
  });
});
