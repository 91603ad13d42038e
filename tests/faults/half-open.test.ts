/**
 * A half-open socket: the server keeps the TCP connection but stops reading
 * and writing (`server.silence()`). Nothing closes, so only the heartbeat can
 * notice, and it must replace the socket. The two-interval bound is proven on
 * fake timers (`connection.test.ts`): wall-clock bounds here would depend on
 * the machine's load.
 */
import type { GapEvent } from "@dispatch/client";
import { describe, expect, it } from "vitest";
import { clientOf, startServer, stateReaches } from "./helpers.js";

const INTERVAL = 200;

describe("half-open socket", () => {
  it.each(["json", "msgpack"] as const)("is detected by the heartbeat and replaced (%s)", async (format) => {
    const server = await startServer({ jobs: { noop: async () => {} } });
    const client = clientOf(server, { format, heartbeatInterval: INTERVAL });
    const sub = client.subscribe("jobs");
    await sub.ready;
    const first = await client.connect();
    const gaps: GapEvent[] = [];
    client.onGap((gap) => gaps.push(gap));
    server.silence();
    await stateReaches(client, "reconnecting", INTERVAL * 10);
    await stateReaches(client, "open");

    expect(client.status.sessionId).not.toBe(first);
    expect(gaps).toEqual([{ channels: ["jobs"], reason: "reconnect" }]);
    // The replacement serves requests and the old subscription object gets events again.
    const { job_id } = await client.enqueue("noop", {});
    for await (const event of sub) {
      if (event.type === "job.enqueued" && event.data.job_id === job_id) break;
    }
    expect((await client.getJob(job_id)).id).toBe(job_id);
  });
});
