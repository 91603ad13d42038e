import type { WorkflowStep } from "@dispatch/react";
import { describe, expect, it } from "vitest";
import { progressOf } from "./run-progress";

const AT = "2026-01-02T03:04:05.123456789Z";
const step = (name: string, data?: Uint8Array): WorkflowStep => ({
  name,
  status: "completed",
  at: AT,
  ...(data !== undefined && { data }),
});
const checkpoint = new TextEncoder().encode('{"id":"evt_01h455vb4pex5vsknk084sn02q"}');

/** `name:status`, in the order shown. */
const shown = (views: ReturnType<typeof progressOf>): string[] => views.map((v) => `${v.name}:${v.status}`);

describe("progressOf", () => {
  it("shows the plan, done up to the step under way", () => {
    expect(shown(progressOf("order-pipeline", "running", [step("validate"), step("charge")]))).toEqual([
      "validate:completed",
      "charge:completed",
      "wait:payment-received:active",
      "ship:pending",
    ]);
  });

  it("shows a wait that got its event as completed", () => {
    const steps = [step("validate"), step("charge"), step("wait:payment-received", checkpoint), step("ship")];
    expect(shown(progressOf("order-pipeline", "completed", steps))).toEqual([
      "validate:completed",
      "charge:completed",
      "wait:payment-received:completed",
      "ship:completed",
    ]);
  });

  it("shows a wait that timed out (its checkpoint is empty, so the timeline has no data) as timed out", () => {
    // The run then failed: order-pipeline fails without the payment.
    const steps = [step("validate"), step("charge"), step("wait:payment-received")];
    expect(shown(progressOf("order-pipeline", "failed", steps))).toEqual([
      "validate:completed",
      "charge:completed",
      "wait:payment-received:timed-out",
      "ship:pending",
    ]);
  });
});
