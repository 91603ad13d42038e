import { describe, expect, expectTypeOf, it } from "vitest";
import { assertChannel, type Channel, type EventOf, wireChannelOf } from "./channels.js";
import { ValidationError } from "./errors.js";
import type { JobEvent, StreamEvent, WorkflowEvent } from "./protocol/types.js";

describe("channels", () => {
  it.each(["jobs", "workflows", "firehose", "job:job_1", "workflow:wfrun_1", "queue:emails"])(
    "accepts %s",
    (c) => {
      expect(() => assertChannel(c)).not.toThrow();
    },
  );

  it.each(["", "job", "job:", "queue:", "cron:x", "JOBS", ":x", "jobs:x"])(
    "refuses %j with a clear message",
    (c) => {
      expect(() => assertChannel(c)).toThrow(ValidationError);
      expect(() => assertChannel(c)).toThrow(/invalid channel/);
    },
  );

  it("refuses non-strings", () => {
    expect(() => assertChannel(42)).toThrow(/must be a string/);
  });

  it("derives queue channels from jobs on the wire", () => {
    expect(wireChannelOf("queue:emails")).toBe("jobs");
    expect(wireChannelOf("job:job_1")).toBe("job:job_1");
  });

  it("types each channel's events as the router delivers them (checked by tsc)", () => {
    expectTypeOf<EventOf<"jobs">>().toEqualTypeOf<JobEvent>();
    expectTypeOf<EventOf<`job:${string}`>>().toEqualTypeOf<JobEvent>();
    expectTypeOf<EventOf<"queue:emails">>().toEqualTypeOf<JobEvent>();
    expectTypeOf<EventOf<"workflows">>().toEqualTypeOf<WorkflowEvent>();
    expectTypeOf<EventOf<`workflow:${string}`>>().toEqualTypeOf<WorkflowEvent>();
    expectTypeOf<EventOf<"firehose">>().toEqualTypeOf<StreamEvent>();
    expectTypeOf<EventOf<Channel>>().toEqualTypeOf<StreamEvent>();
  });
});
