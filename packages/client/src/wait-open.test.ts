import { describe, expect, it } from "vitest";
import { idleStatus, Observable } from "./connection-state.js";
import { AbortError } from "./errors.js";
import { waitUntilOpen } from "./wait-open.js";

describe("waitUntilOpen", () => {
  it("rejects at once with AbortError for a signal aborted before the call", async () => {
    const status = new Observable(idleStatus("json"));
    const reason = new Error("user left");
    const waiting = waitUntilOpen(status, 60_000, AbortSignal.abort(reason));
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await expect(waiting).rejects.toMatchObject({ code: "aborted", cause: reason });
  });

  it("rejects with AbortError, like every request, when the signal fires while waiting", async () => {
    const status = new Observable(idleStatus("json"));
    let listening = 0;
    const subscribe = status.subscribe.bind(status);
    status.subscribe = (listener) => {
      listening++;
      const off = subscribe(listener);
      return () => {
        listening--;
        off();
      };
    };
    const controller = new AbortController();
    const waiting = waitUntilOpen(status, 60_000, controller.signal);
    expect(listening).toBe(1);
    controller.abort("navigated away");
    await expect(waiting).rejects.toMatchObject({ name: "AbortError", cause: "navigated away" });
    // Nothing is left listening to the status.
    expect(listening).toBe(0);
  });
});
