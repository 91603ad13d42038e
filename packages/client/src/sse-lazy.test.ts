import { describe, expect, it, vi } from "vitest";
import { ConnectionError } from "./errors.js";
import { resolveOptions } from "./options.js";
import { LazySseLink } from "./sse-lazy.js";
import { Subscription } from "./subscription.js";

// What a browser reports when a lazy chunk is gone or the network is down.
vi.mock("./sse-link.js", () => {
  throw new Error("Failed to fetch dynamically imported module");
});

describe("LazySseLink when the SSE chunk fails to load", () => {
  it("closes with a clear error and settles every call, with no unhandled rejection", async () => {
    const options = resolveOptions({
      url: "http://127.0.0.1:1/dwp",
      token: "dk_test_lazy",
      transport: "sse",
    });
    const link = new LazySseLink(options, () => {});
    const closed = new Promise<unknown>((resolve) => {
      link.status.subscribe((status) => status.state === "closed" && resolve(status.error));
    });
    link.start();
    const sub = new Subscription("jobs", { release: async () => {}, overflow: () => {}, logger: undefined });
    link.subscribe(sub);
    const error = await closed;
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^the SSE transport failed to load: /);
    expect((error as Error).cause).toBeInstanceOf(Error);
    await expect(link.request("stats", undefined, {})).rejects.toBe(error);
    await expect(sub[Symbol.asyncIterator]().next()).rejects.toBe(error);
    link.close();
    expect(link.state).toBe("closed");
  });
});
