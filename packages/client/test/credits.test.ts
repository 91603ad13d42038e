import { describe, expect, it } from "vitest";
import { clientFor, formats, startServer } from "./setup.js";

describe.each(formats)("flow-control credits over %s", (format) => {
  it("100,000 events in a row all arrive (the server would go deaf after 1,000 without grants)", async () => {
    const server = await startServer();
    const { client, recorder } = clientFor(server, { format });
    let received = 0;
    let wake: (() => void) | undefined;
    const sub = client.subscribe("firehose", () => {
      received++;
      wake?.();
    });
    await sub.ready;
    const total = 100_000;
    // Batches stay under the server's 256-event write buffer, which drops when full.
    const batch = 200;
    const deadline = Date.now() + 30_000;
    for (let sent = 0; sent < total; sent += batch) {
      for (let i = 0; i < batch; i++) {
        server.publish({
          type: "job.started",
          ts: "2026-01-02T03:04:05Z",
          topic: `job:job_${sent + i}`,
          data: {},
        });
      }
      while (received < sent + batch && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, deadline - Date.now());
        });
      }
    }
    expect(received).toBe(total);
    if (format === "json") {
      const grants = recorder.frames().filter((f) => f.credits !== undefined);
      const granted = grants.reduce((sum, f) => sum + (f.credits as number), 0);
      expect(granted).toBeGreaterThanOrEqual(total - 1000);
      // The server swallows a frame with credits whole: one carrying a method would be lost.
      expect(grants.every((f) => f.method === undefined && Number.isInteger(f.credits))).toBe(true);
    }
  }, 40_000);
});
