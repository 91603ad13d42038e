import { describe, expect, it } from "vitest";
import { mayCall, tokenScopes } from "./scopes.js";

describe("the mock's scope table", () => {
  it("asks what the server asks: read and write per area, admin for what it does not know", () => {
    expect(mayCall(["job:read"], "job.get")).toBe(true);
    expect(mayCall(["job:read"], "job.enqueue")).toBe(false);
    expect(mayCall(["workflow:write"], "workflow.start")).toBe(true);
    expect(mayCall(["subscribe"], "unsubscribe")).toBe(true);
    expect(mayCall(["stats:read", "cron:read"], "stats")).toBe(true);
    // No dot: not a job method at all, so only admin may call it.
    expect(mayCall(["job:write"], "job")).toBe(false);
    expect(mayCall(["admin"], "job")).toBe(true);
    expect(mayCall(["job:read"], "auth")).toBe(true);
  });

  it("gives a listed token every scope, and accepts any token without a table", () => {
    expect(tokenScopes(["dk_test_a"])?.get("dk_test_a")).toEqual(["*"]);
    expect(tokenScopes({ dk_test_b: ["job:read"] })?.get("dk_test_b")).toEqual(["job:read"]);
    expect(tokenScopes(undefined)).toBeUndefined();
    expect(mayCall(undefined, "dlq.replay")).toBe(true);
  });
});
