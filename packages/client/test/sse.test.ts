import { describe, expect, it } from "vitest";
import type { Dispatch } from "../src/client.js";
import type { GapEvent } from "../src/connection-state.js";
import { AuthError, DispatchError, ValidationError } from "../src/errors.js";
import type { StreamEvent } from "../src/protocol/types.js";
import { sseClientFor, startServer } from "./setup.js";

const TOKEN = "dk_test_sse";
const tokens = { [TOKEN]: { scopes: ["*"] }, dk_test_noscope: { scopes: ["job:read"] } };

/** Counts SSE requests, and which of them the server has answered. */
function sseFetch(onAnswer: () => void = () => {}) {
  const counts = { started: 0, answered: 0, rpc: 0 };
  const wrapped: typeof fetch = async (input, init) => {
    const isSse = String(input).includes("/dwp/sse");
    if (!isSse) counts.rpc++;
    else counts.started++;
    const response = await fetch(input, init);
    if (isSse) counts.answered++;
    onAnswer();
    return response;
  };
  return { fetch: wrapped, counts };
}

/** Resolves with the first gap reported. */
const nextGap = (client: Dispatch) =>
  new Promise<GapEvent>((resolve) => {
    const off = client.onGap((gap) => {
      off();
      resolve(gap);
    });
  });

describe('transport: "sse"', () => {
  it("delivers a job's events to completion, requests over RPC, no WebSocket", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startServer({ tokens, jobs: { gated: () => gate } });
    const { fetch, counts } = sseFetch();
    const client = sseClientFor(server.url, { fetch });
    expect(client.state).toBe("idle");
    const onJobs = client.subscribe("jobs");
    const onQueue = client.subscribe("queue:mail");
    await Promise.all([onJobs.ready, onQueue.ready]);
    expect(client.state).toBe("open");
    // queue:mail rides the jobs stream: one stream for both.
    expect(counts.started).toBe(1);
    const { job_id } = await client.enqueue("gated", { n: 1 }, { queue: "mail" });
    const onJob = client.subscribe(`job:${job_id}`);
    await onJob.ready;
    release();
    const seen: Record<string, string[]> = { jobs: [], queue: [], job: [] };
    const until = async (sub: AsyncIterable<StreamEvent>, into: string[]) => {
      for await (const event of sub) {
        into.push(event.type);
        if (event.type === "job.completed") break;
      }
    };
    await Promise.all([
      until(onJobs, seen.jobs ?? []),
      until(onQueue, seen.queue ?? []),
      until(onJob, seen.job ?? []),
    ]);
    expect(seen.jobs).toEqual(["job.enqueued", "job.started", "job.completed"]);
    expect(seen.queue).toEqual(seen.jobs);
    // Each event once, though the jobs and job:X streams both carried it.
    expect(seen.job?.filter((t) => t === "job.completed")).toHaveLength(1);
    expect((await client.getJob(job_id)).state).toBe("completed");
    expect(counts.rpc).toBeGreaterThanOrEqual(3);
    await expect(client.connect()).resolves.toBe("");
  });

  it("re-opens each stream before its 1,000th event with no lost or duplicated events across 2,500", async () => {
    const server = await startServer({ tokens });
    let wake: (() => void) | undefined;
    const { fetch, counts } = sseFetch(() => wake?.());
    let opened = 0;
    const logger = {
      warn: () => {},
      debug: (message: string) => {
        if (message.includes("opening a stream")) opened++;
      },
    };
    const client = sseClientFor(server.url, { fetch, logger });
    const gaps: GapEvent[] = [];
    client.onGap((gap) => gaps.push(gap));
    const received: string[] = [];
    const sub = client.subscribe("firehose", (event) => {
      received.push(event.topic ?? "");
      wake?.();
    });
    await sub.ready;
    const total = 2500;
    // Under the server's 256-event write buffer, which drops when full.
    const batch = 100;
    const deadline = Date.now() + 20_000;
    const settled = () => received.length >= sent && counts.answered >= opened;
    let sent = 0;
    while (sent < total && Date.now() < deadline) {
      for (let i = 0; i < batch; i++, sent++) {
        const ns = String(sent).padStart(9, "0");
        server.publish({
          type: "job.started",
          ts: `2026-01-02T03:04:05.${ns}Z`,
          topic: `job:job_${sent}`,
          data: {},
        });
      }
      // Wait for the batch, and for any stream the client began opening meanwhile.
      while (!settled() && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, deadline - Date.now());
        });
      }
    }
    expect(received).toHaveLength(total);
    expect(new Set(received).size).toBe(total);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => `job:job_${i}`));
    expect(counts.started).toBeGreaterThanOrEqual(3);
    // Only the start of the stream, never a rollover.
    expect(gaps).toEqual([{ channels: ["firehose"], reason: "subscribe" }]);
  }, 30_000);

  it("reconnects after the server drops every connection and reports the gap", async () => {
    const server = await startServer({ tokens, jobs: { quick: async () => {} } });
    const client = sseClientFor(server.url);
    const states: string[] = [];
    client.onStateChange((state) => states.push(state));
    const sub = client.subscribe("jobs");
    await sub.ready;
    const gap = nextGap(client);
    server.dropConnections();
    expect(await gap).toEqual({ channels: ["jobs"], reason: "reconnect" });
    expect(states).toContain("reconnecting");
    expect(client.state).toBe("open");
    await client.enqueue("quick");
    const first = await sub[Symbol.asyncIterator]().next();
    expect(first.value?.type).toBe("job.enqueued");
  });

  it("refuses a bad token, a missing scope and a bad channel that the SSE endpoint would answer 200", async () => {
    const server = await startServer({ tokens });
    const bad = sseClientFor(server.url, { token: "dk_test_unknown" });
    const refused = bad.subscribe("jobs");
    await expect(refused.ready).rejects.toBeInstanceOf(AuthError);
    expect(bad.state).toBe("closed");
    expect(bad.status.error).toBeInstanceOf(AuthError);

    const noScope = sseClientFor(server.url, { token: "dk_test_noscope" });
    const forbidden = noScope.subscribe("jobs");
    const err = await forbidden.ready.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DispatchError);
    expect(err).toMatchObject({ code: 403 });
    expect(forbidden.closed).toBe(true);
    // The token itself is fine: requests it has the scope for still work.
    await expect(noScope.getJob("job_01h455vb4pex5vsknk084sn02q")).rejects.toMatchObject({ code: 404 });
    expect(noScope.state).toBe("open");

    const good = sseClientFor(server.url);
    expect(() => good.subscribe("bogus" as never)).toThrow(ValidationError);
    expect(() => good.subscribe("job:" as never)).toThrow(ValidationError);
  });

  it("stays open when the token probe fails after a stream already proved the token", async () => {
    const server = await startServer({ tokens });
    let releaseProbe!: () => void;
    const probeHeld = new Promise<void>((resolve) => {
      releaseProbe = resolve;
    });
    let probeAnswered!: () => void;
    const answered = new Promise<void>((resolve) => {
      probeAnswered = resolve;
    });
    let probes = 0;
    // The link's probe is its only RPC subscribe to firehose; hold the first, then fail it.
    const fetchFn: typeof fetch = async (input, init) => {
      const isProbe = String(input).endsWith("/rpc") && String(init?.body).includes('"channel":"firehose"');
      if (!isProbe || ++probes > 1) return fetch(input, init);
      await probeHeld;
      const error = { id: "x", type: "error", error: { code: 503, message: "unavailable" }, ts: new Date() };
      const response = new Response(JSON.stringify(error), { status: 503 });
      const text = response.text.bind(response);
      response.text = () => text().finally(probeAnswered);
      return response;
    };
    const client = sseClientFor(server.url, { fetch: fetchFn });
    await client.subscribe("jobs").ready;
    await expect.poll(() => client.state).toBe("open");
    releaseProbe();
    await answered;
    // An RPC round trip later, the probe's failure has long been handled.
    await client.stats();
    expect(client.state).toBe("open");
    expect(probes).toBe(1);
  });

  it("gives up probing with reconnect: false instead of retrying forever", async () => {
    const server = await startServer({ tokens });
    const down: typeof fetch = async () => new Response("", { status: 503 });
    const client = sseClientFor(server.url, { fetch: down, reconnect: false });
    await expect(client.connect()).rejects.toMatchObject({ code: 503 });
    expect(client.state).toBe("closed");
  });

  it("unsubscribe closes the stream and close() ends every iterator", async () => {
    const server = await startServer({ tokens });
    const client = sseClientFor(`${server.httpUrl}/dwp`);
    const a = client.subscribe("workflows");
    const b = client.subscribe("firehose");
    await Promise.all([a.ready, b.ready]);
    expect((await client.stats()).broker.subscriber_count).toBe(2);
    await a.unsubscribe();
    await expect.poll(async () => (await client.stats()).broker.subscriber_count).toBe(1);
    const next = b[Symbol.asyncIterator]().next();
    client.close();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
    expect(client.state).toBe("closed");
  });
});
