import { describe, expect, it } from "vitest";
import { AbortError } from "./errors.js";
import { resolveToken } from "./token.js";

/** Collects the process's unhandled rejections until `run` and one more turn of the event loop are done. */
async function unhandledDuring(run: () => Promise<unknown>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await run();
    // Node reports an unhandled rejection once the microtask queue drained.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  return unhandled;
}

describe("resolveToken", () => {
  it("does not ask the provider under a signal that already fired", async () => {
    let asked = 0;
    const provider = () => {
      asked++;
      return Promise.reject(new Error("token endpoint down"));
    };
    const unhandled = await unhandledDuring(() =>
      expect(resolveToken(provider, 1000, AbortSignal.abort())).rejects.toBeInstanceOf(AbortError),
    );
    expect(asked).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it("leaves no unhandled rejection when the signal fires while the provider is being asked", async () => {
    const controller = new AbortController();
    // Say, a provider whose failure makes the app abort what waits on it.
    const provider = () => {
      controller.abort();
      return Promise.reject(new Error("token endpoint down"));
    };
    const unhandled = await unhandledDuring(() =>
      expect(resolveToken(provider, 1000, controller.signal)).rejects.toBeInstanceOf(AbortError),
    );
    expect(unhandled).toEqual([]);
  });
});
