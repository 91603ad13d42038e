import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdleTimer } from "./idle-timer.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("IdleTimer", () => {
  it("fires after each full quiet period, counted from the last thing heard", async () => {
    const fired: number[] = [];
    const idle = new IdleTimer(1000, () => fired.push(Date.now()));
    const t0 = Date.now();
    idle.start();
    await vi.advanceTimersByTimeAsync(900);
    idle.heard();
    await vi.advanceTimersByTimeAsync(999);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([t0 + 1900]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).toEqual([t0 + 1900, t0 + 2900]);
    idle.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(fired).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not watch until started, and stays stopped when stopped from its own callback", async () => {
    let idle: IdleTimer | undefined;
    let fired = 0;
    idle = new IdleTimer(100, () => {
      fired++;
      idle?.stop();
    });
    idle.heard();
    expect(vi.getTimerCount()).toBe(0);
    idle.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("watches again when started after a stop, with one timer however it was restarted", async () => {
    let fired = 0;
    let restart = false;
    const idle: IdleTimer = new IdleTimer(100, () => {
      fired++;
      if (restart) {
        idle.stop();
        idle.start();
      }
    });
    idle.start();
    idle.stop();
    idle.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(fired).toBe(1);
    restart = true;
    await vi.advanceTimersByTimeAsync(100);
    expect([fired, vi.getTimerCount()]).toEqual([2, 1]);
    idle.stop();
  });
});
