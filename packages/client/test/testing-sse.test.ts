import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Channel } from "../src/channels.js";
import { Dispatch } from "../src/client.js";
import type { GapEvent } from "../src/connection-state.js";
import { AuthError, DispatchError } from "../src/errors.js";
import type { StreamEvent } from "../src/protocol/types.js";
import { createMockDispatch, jobEvent } from "../src/testing/index.js";

// transport "sse" against the mock: GET /dwp/sse for events, POST /dwp/rpc for the rest.
const mock = createMockDispatch({
  url: "ws://127.0.0.1:7805/dwp",
  tokens: { dk_test_sse: ["*"], dk_test_reader: ["job:read"] },
});
const ID = "job_01h455vb4pex5vsknk084sn02q";
const clients: Dispatch[] = [];
beforeAll(() => mock.listen());
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  mock.reset();
});
afterAll(() => mock.close());

function sseClient(token = "dk_test_sse"): Dispatch {
  const client = new Dispatch({
    url: mock.url,
    token,
    transport: "sse",
    minReconnectDelay: 10,
    maxReconnectDelay: 20,
  });
  clients.push(client);
  return client;
}

function nextEvent(
  client: Dispatch,
  channel: Channel,
): { ready: Promise<void>; event: Promise<StreamEvent> } {
  let resolve: (event: StreamEvent) => void = () => {};
  const event = new Promise<StreamEvent>((r) => {
    resolve = r;
  });
  const sub = client.subscribe(channel, (e) => resolve(e));
  return { ready: sub.ready, event };
}

describe('createMockDispatch with transport: "sse"', () => {
  it("streams emitted events to a subscription, one per stream", async () => {
    const client = sseClient();
    const { ready, event } = nextEvent(client, `job:${ID}`);
    await ready;
    expect(mock.sent("subscribe", `job:${ID}`)).toHaveLength(1);
    expect(mock.emit(jobEvent("job.started", ID))).toBe(1);
    expect(await event).toMatchObject({ type: "job.started", topic: `job:${ID}`, data: { job_id: ID } });
  });

  it("refuses a token without the subscribe scope with 403, and an unknown one with 401", async () => {
    const reader = sseClient("dk_test_reader");
    const refused = await reader.subscribe("jobs").ready.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DispatchError);
    expect(refused).toMatchObject({ code: 403, message: "forbidden" });
    const stranger = sseClient("dk_test_nobody");
    await expect(stranger.subscribe("jobs").ready).rejects.toBeInstanceOf(AuthError);
  });

  it("fails the streams on drop(): the client re-opens them and reports the gap", async () => {
    const client = sseClient();
    await client.subscribe("jobs").ready;
    const gap = new Promise<GapEvent>((resolve) =>
      client.onGap((g) => g.reason === "reconnect" && resolve(g)),
    );
    mock.drop();
    expect(await gap).toEqual({ channels: ["jobs"], reason: "reconnect" });
    const { event } = nextEvent(client, "jobs");
    expect(mock.emit(jobEvent("job.completed", ID))).toBe(1);
    expect((await event).type).toBe("job.completed");
  });

  it("plays the server's SSE quirks: 200 and retry first, refusals end the stream, 1,000 events", async () => {
    const base = "http://127.0.0.1:7805/dwp/sse";
    // A bad token, or no channel: still 200 and the retry hint, then the end.
    for (const query of ["token=dk_test_nobody&channel=jobs", "token=dk_test_sse"]) {
      const refused = await fetch(`${base}?${query}`);
      expect(refused.status).toBe(200);
      expect(await refused.text()).toBe("retry: 3000\n\n");
    }
    const controller = new AbortController();
    await fetch(`${base}?token=dk_test_sse&channel=jobs`, { signal: controller.signal });
    // Never replenished: the 1,001st event is dropped.
    for (let i = 0; i < 1000; i++) expect(mock.emit(jobEvent("job.enqueued", ID, new Date(i)))).toBe(1);
    expect(mock.emit(jobEvent("job.completed", ID))).toBe(0);
    expect(mock.dropped).toBe(1);
    controller.abort();
  });

  it("checks the channel of an RPC subscribe as the server does", async () => {
    const response = await fetch("http://127.0.0.1:7805/dwp/rpc", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "dk_test_sse" },
      body: JSON.stringify({ id: "1", type: "request", method: "subscribe", data: { channel: "job:" } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 400, message: 'stream: invalid topic "job:"' },
    });
  });

  it("answers a charset suffix on RPC with 400, as the server's binding does", async () => {
    const response = await fetch("http://127.0.0.1:7805/dwp/rpc", {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", Authorization: "dk_test_sse" },
      body: JSON.stringify({ id: "1", type: "request", method: "stats", ts: new Date().toISOString() }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, message: "invalid request body" } });
  });
});
