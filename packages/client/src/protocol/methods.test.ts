import { afterEach, describe, expect, it, vi } from "vitest";
import { TimeoutError } from "../errors.js";
import { createRpcClient } from "../rpc-client.js";
import { SLOW_REQUEST_TIMEOUT, withSlowTimeout } from "./methods.js";

describe("slow request timeouts", () => {
  afterEach(() => vi.useRealTimers());

  it("gives workflow.start 15 minutes unless the caller chose a timeout; other methods keep theirs", () => {
    expect(withSlowTimeout("workflow.start", {}, 30_000)).toEqual({ timeout: SLOW_REQUEST_TIMEOUT });
    expect(withSlowTimeout("workflow.start", { timeout: 5 }, 30_000)).toEqual({ timeout: 5 });
    expect(withSlowTimeout("workflow.start", {}, 3_600_000)).toEqual({ timeout: 3_600_000 });
    expect(withSlowTimeout("job.get", {}, 30_000)).toEqual({});
  });

  it("a run that outlasts the ordinary request timeout is still awaited", async () => {
    vi.useFakeTimers();
    // The server holds the answer until the run ends; this fetch never answers but honours abort.
    const fetch = vi.fn(
      (_url: unknown, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(new Error("aborted")));
        }),
    );
    const rpc = createRpcClient({ url: "http://127.0.0.1:9/dwp", token: "dk_test_a", fetch, timeout: 1000 });
    let outcome: unknown = "pending";
    rpc.startWorkflow("order-pipeline", {}).catch((err: unknown) => {
      outcome = err;
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outcome).toBe("pending");
    await vi.advanceTimersByTimeAsync(SLOW_REQUEST_TIMEOUT);
    expect(outcome).toBeInstanceOf(TimeoutError);
  });
});
