import { describe, expect, it } from "vitest";
import { AuthError, DispatchError, errorFromServer, isRetryableCode, ValidationError } from "./errors.js";

describe("error classification", () => {
  it("retries what may succeed later: 5xx, 408, 429, timeouts and lost connections", () => {
    for (const code of [500, 502, 503, 408, 429, "timeout", "connection_lost"] as const) {
      expect(isRetryableCode(code), String(code)).toBe(true);
    }
    for (const code of [
      400,
      401,
      403,
      404,
      405,
      409,
      "closed",
      "aborted",
      "invalid_argument",
      "protocol",
    ] as const) {
      expect(isRetryableCode(code), String(code)).toBe(false);
    }
  });

  it("builds the subclass an error frame calls for, with the server's details", () => {
    const refused = errorFromServer(401, "authentication failed");
    expect(refused).toBeInstanceOf(AuthError);
    expect(refused.retryable).toBe(false);
    const busy = errorFromServer(429, "slow down", "retry in 2s");
    expect(busy).toMatchObject({ code: 429, retryable: true, details: "retry in 2s", message: "slow down" });
    expect(busy).toBeInstanceOf(DispatchError);
  });

  it("lets a caller override the classification, and keeps the cause", () => {
    const cause = new Error("socket hang up");
    const error = new ValidationError("bad input", { retryable: true, cause });
    expect(error).toMatchObject({
      code: "invalid_argument",
      retryable: true,
      cause,
      name: "ValidationError",
    });
  });
});
