import { describe, expect, it, vi } from "vitest";
import { ConnectionError } from "../src/errors.js";
import { clientFor, startServer } from "./setup.js";

// What a browser reports when a lazy chunk is gone (a new deploy) or the
// network is down: the msgpack codec and the slow lane fail to load.
vi.mock("../src/codecs/msgpack.js", () => {
  throw new Error("Failed to fetch dynamically imported module");
});
vi.mock("../src/slow-lane.js", () => {
  throw new Error("Failed to fetch dynamically imported module");
});

describe("lazy chunks that fail to load", () => {
  it("format msgpack falls back to JSON, says so, and the session works", async () => {
    const server = await startServer({ jobs: { ok: async () => {} } });
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    const { client, recorder } = clientFor(server, { format: "msgpack", logger });
    await client.connect();
    expect(client.status.format).toBe("json");
    expect(warnings).toContain("the msgpack codec failed to load; using JSON");
    expect(recorder.frames("auth")[0]).toMatchObject({ data: { format: "json" } });
    await expect(client.enqueue("ok", {})).resolves.toHaveProperty("job_id");
  });

  it("a slow request rejects with a ConnectionError, and close() leaves nothing unhandled", async () => {
    const server = await startServer({ workflows: { greet: async () => {} } });
    const { client } = clientFor(server);
    const first = client.startWorkflow("greet", {});
    await expect(first).rejects.toBeInstanceOf(ConnectionError);
    await expect(first).rejects.toThrow(/^the slow lane failed to load: /);
    // Not cached: the next call tries the import again, and fails the same way.
    await expect(client.startWorkflow("greet", {})).rejects.toThrow(/slow lane failed to load/);
    client.close();
  });
});
