import { describe, expect, it } from "vitest";
import { assertChannel, wireChannelOf } from "./channels.js";
import { ValidationError } from "./errors.js";

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
});
