/**
 * The demo jobs and workflow the CLI registers, so a fresh dev server has
 * something that succeeds, retries, dead-letters and waits for events.
 */
import type { JobContext, JobHandler, WorkflowHandler } from "../engine/index.js";

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function between(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min));
}

function payloadMs(ctx: JobContext, fallback: number): number {
  const payload = ctx.payload;
  if (typeof payload === "object" && payload !== null && "ms" in payload && typeof payload.ms === "number") {
    return payload.ms;
  }
  return fallback;
}

/**
 * Demo job handlers, by job name: `send-email` succeeds, `resize-image`
 * heartbeats through three stages, `flaky-job` fails about half its attempts,
 * `always-fails` ends in the dead-letter queue, and `slow-job` runs for
 * payload `{ms}`.
 *
 * @example
 * ```ts
 * await using server = await createDevServer({ jobs: demoJobs, backoff: demoBackoff });
 * server.engine.enqueue({ name: "slow-job", payload: new TextEncoder().encode('{"ms":2000}') });
 * ```
 */
export const demoJobs: Record<string, JobHandler> = {
  "send-email": (ctx) => delay(between(200, 800), ctx.signal),
  "resize-image": async (ctx) => {
    for (const _stage of ["download", "resize", "upload"]) {
      await delay(between(300, 650), ctx.signal);
      ctx.heartbeat();
    }
  },
  "flaky-job": async (ctx) => {
    await delay(between(100, 300), ctx.signal);
    if (Math.random() < 0.5) throw new Error(`flaky-job: transient failure on attempt ${ctx.attempt}`);
  },
  "always-fails": async (ctx) => {
    await delay(100, ctx.signal);
    throw new Error("always-fails: this job never succeeds");
  },
  /** Runs for payload `{ms}` (default 5000), heartbeating every second. */
  "slow-job": async (ctx) => {
    let left = payloadMs(ctx, 5000);
    while (left > 0) {
      const chunk = Math.min(left, 1000);
      await delay(chunk, ctx.signal);
      left -= chunk;
      ctx.heartbeat();
    }
  },
};

/**
 * Demo workflows, by name. `order-pipeline` checkpoints `validate` and
 * `charge`, waits up to 60 s for a `payment-received` event (failing the run
 * without one), then checkpoints `ship`.
 *
 * @example
 * ```ts
 * await using server = await createDevServer({ workflows: demoWorkflows });
 * const run = server.engine.startWorkflow("order-pipeline", new TextEncoder().encode('{"total":42}'));
 * server.engine.publishEvent("payment-received", undefined);
 * (await run).state; // "completed"
 * ```
 */
export const demoWorkflows: Record<string, WorkflowHandler> = {
  "order-pipeline": async (wf, input) => {
    const order = await wf.step("validate", () => {
      const total =
        typeof input === "object" && input !== null && "total" in input && typeof input.total === "number"
          ? input.total
          : 0;
      return { valid: true, total };
    });
    await wf.step("charge", async () => {
      await delay(between(100, 300), wf.signal);
      return { charged: order.total };
    });
    const payment = await wf.waitForEvent("payment-received", 60_000);
    // Go's WaitForEvent returns nil on timeout; the workflow decides to fail.
    if (payment === null) throw new Error('timed out waiting for "payment-received"');
    await wf.step("ship", () => delay(between(100, 300), wf.signal));
  },
};

/**
 * Fast retry backoff for the demo: 500 ms × attempt, ±20% jitter.
 *
 * @example
 * ```ts
 * demoBackoff(2); // between 800 and 1200 (ms)
 * ```
 */
export function demoBackoff(attempt: number): number {
  return 500 * attempt * (0.8 + Math.random() * 0.4);
}
