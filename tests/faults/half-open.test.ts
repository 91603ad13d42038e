/**
 * A half-open socket: the server keeps the TCP connection but stops reading
 * and writing (`server.silence()`). Nothing closes, so only the heartbeat can
 * notice. It must notice within two heartbeat intervals and replace the socket.
 */
import type { GapEvent } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { clientOf, startServer, stateReaches } from "./helpers.js";

const INTERVAL = 200;
/** Timer and event-loop jitter on a shared 2-core machine; the bound itself is 2 × INTERVAL. */
const SLACK = 60;

describe("half-open socket", () => {
  it.each(["json", "msgpack"] as const)(
    "is detected within two heartbeat intervals and replaced (%s)",
    async (format) => {
      const server = await startServer({ jobs: { noop: async () => {} } });
      const client = clientOf(server, { format, heartbeatInterval: INTERVAL });
      const sub = client.subscribe("jobs");
      await sub.ready;
      const first = await client.connect();
      const gaps: GapEvent[] = [];
      client.onGap((gap) => gaps.push(gap));
      const silencedAt = performance.now();
      server.silence();
      await stateReaches(client, "reconnecting", INTERVAL * 10);
      const detectedAfter = performance.now() - silencedAt;
      await stateReaches(client, "open");

      expect(detectedAfter).toBeLessThanOrEqual(2 * INTERVAL + SLACK);
      expect(client.status.sessionId).not.toBe(first);
      expect(gaps).toEqual([{ channels: ["jobs"], reason: "reconnect" }]);
      // The replacement serves requests and the old subscription object gets events again.
      const { job_id } = await client.enqueue("noop", {});
      for await (const event of sub) {
        if (event.type === "job.enqueued" && event.data.job_id === job_id) break;
      }
      expect((await client.getJob(job_id)).id).toBe(job_id);
    },
  );
});
