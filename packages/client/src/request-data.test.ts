import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { anyData, enqueueData, idData, publishEventData, startWorkflowData } from "./request-data.js";

describe("request data", () => {
  it("builds the exact JSON both clients send", () => {
    expect(enqueueData("send", { to: "a" }, { queue: "mail", priority: 3 })).toEqual({
      method: "job.enqueue",
      dataJson: '{"name":"send","payload":{"to":"a"},"queue":"mail","priority":3}',
    });
    expect(enqueueData("send", undefined).dataJson).toBe('{"name":"send","payload":null}');
    expect(startWorkflowData("order", { total: 1 }).dataJson).toBe('{"name":"order","input":{"total":1}}');
    expect(publishEventData("paid", undefined).dataJson).toBe('{"name":"paid"}');
    expect(idData("job.get", "job_id", "job_1")).toEqual({
      method: "job.get",
      dataJson: '{"job_id":"job_1"}',
    });
    expect(anyData("stats", undefined)).toEqual({ method: "stats", dataJson: undefined });
  });

  it("refuses what the server would misread", () => {
    expect(() => enqueueData("", {})).toThrow(ValidationError);
    expect(() => enqueueData("x", {}, { queue: "" })).toThrow("queue must be a non-empty string");
    expect(() => enqueueData("x", {}, { priority: 0.5 })).toThrow("priority must be a non-negative integer");
    expect(() => enqueueData("x", {}, { priority: -5 })).toThrow(/the server ignores negative ones/);
    expect(() => enqueueData("x", {}, { priority: 1e21 })).toThrow(ValidationError);
    expect(enqueueData("x", {}, { priority: 0 }).dataJson).toContain('"priority":0');
    expect(() => enqueueData("x", () => 1)).toThrow(ValidationError);
    expect(() => idData("job.get", "job_id", "")).toThrow("job_id must be a non-empty string");
    expect(() => anyData("", {})).toThrow(ValidationError);
  });
});
