import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dispatch } from "../src/client.js";
import { HEAD_START } from "../src/credits.js";
import { createMockDispatch, jobEvent } from "../src/testing/index.js";
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
    // The client reads each batch before the next is published.
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
      expect(grants[0]?.credits).toBe(HEAD_START);
      // Top-ups replace what was spent, so the head start never runs down.
      const toppedUp = grants.slice(1).reduce((sum, f) => sum + (f.credits as number), 0);
      expect(toppedUp).toBeGreaterThanOrEqual(total - 250);
      // The server swallows a frame with credits whole: one carrying a method would be lost.
      expect(grants.every((f) => f.method === undefined && Number.isInteger(f.credits))).toBe(true);
    }
  }, 40_000);
});

// The mock, not the dev server: a burst through a real socket would also
// depend on how much the kernel buffers within one turn.
describe("the credit head start", () => {
  const mock = createMockDispatch({ url: "ws://127.0.0.1:7817/dwp" });
  beforeAll(() => mock.listen());
  afterAll(() => mock.close());

  it("lets a burst far beyond the server's 1,000 credits, sent before any top-up could arrive, through whole", async () => {
    const client = new Dispatch({
      url: mock.url,
      token: "dk_test_credits",
      WebSocket: mock.WebSocket,
      heartbeatInterval: 0,
    });
    try {
      const sub = client.subscribe("firehose");
      await sub.ready;
      const total = 1_500;
      // One synchronous loop: the client cannot grant a credit until it ends.
      for (let i = 0; i < total; i++) mock.emit(jobEvent("job.started", `job_${i}`));
      expect(mock.dropped).toBe(0);
      let received = 0;
      for await (const event of sub) {
        expect(event.topic).toBe(`job:job_${received}`);
        if (++received === total) break;
      }
    } finally {
      client.close();
    }
  });
});
