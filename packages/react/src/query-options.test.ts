import { ConnectionError, DispatchError, TimeoutError } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { retryDelay, retryDispatchError } from "./query-options.js";

describe("retrying a read", () => {
  it("goes again at once after a closed client: the provider replaced it, and the next try uses the new one", () => {
    expect(retryDelay(2, new ConnectionError("client closed", { closed: true }))).toBe(0);
  });

  it("backs off as TanStack does after anything else, a lost connection included (over HTTP nothing holds the read)", () => {
    expect(retryDelay(1, new ConnectionError("connection lost"))).toBe(2000);
    expect(retryDelay(0, new TimeoutError("no answer"))).toBe(1000);
    expect(retryDelay(2, new DispatchError(503, "unavailable"))).toBe(4000);
    expect(retryDelay(10, new Error("network"))).toBe(30_000);
  });

  it("gives up at once on an error that will not change, and after three tries on one that may", () => {
    expect(retryDispatchError(0, new DispatchError(404, "job not found"))).toBe(false);
    expect(retryDispatchError(0, new ConnectionError("connection lost"))).toBe(true);
    expect(retryDispatchError(3, new ConnectionError("connection lost"))).toBe(false);
  });
});
