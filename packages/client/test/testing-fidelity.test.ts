// The mock answers hand-written frames as the dev server (which follows the Go
// server) does, and keeps one test's connections out of the next.
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import WS from "ws";
import { Dispatch } from "../src/client.js";
import type { WebSocketConstructor } from "../src/options.js";
import { createMockDispatch, jobEvent, MockError, wireJob, wireStats } from "../src/testing/index.js";

const mock = createMockDispatch({ url: "ws://127.0.0.1:7792/dwp" });
const ID = "job_01h455vb4pex5vsknk084sn02q";
let dev: DevServer;
const clients: Dispatch[] = [];
beforeAll(async () => {
  mock.listen();
  dev = await createDevServer({ port: 0 });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  mock.reset();
});
afterAll(async () => {
  mock.close();
  await dev.close();
});

function clientOf(url: string, WebSocket: WebSocketConstructor): Dispatch {
  const client = new Dispatch({ url, token: "dk_test_a", WebSocket, heartbeatInterval: 0 });
  clients.push(client);
  return client;
}

/** The first `count` answers to `frames` on a raw socket, without their ids, times and session ids. */
async function answersOf(Ctor: WebSocketConstructor, url: string, frames: object[], count: number) {
  const socket = new (Ctor as unknown as typeof WS)(url);
  const answers: Array<Record<string, unknown>> = [];
  const done = new Promise<void>((resolve) =>
    socket.addEventListener("message", (event) => {
      const { id, ts, ...rest } = JSON.parse(String(event.data)) as Record<string, unknown>;
      const data = rest.data as { session_id?: unknown } | undefined;
      if (data?.session_id !== undefined) delete rest.data;
      answers.push(rest);
      if (answers.length === count) resolve();
    }),
  );
  await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
  for (const frame of frames) socket.send(JSON.stringify(frame));
  await done;
  socket.close();
  return answers;
}

const ts = "2026-01-02T03:04:05Z";
const AUTH = { id: "a", type: "request", method: "auth", data: { token: "t" }, ts };

describe("the mock answers raw frames as the server does", () => {
  it.each([
    ["a request with no method", [AUTH, { id: "b", type: "request", ts }]],
    ["a credits: 0 frame", [AUTH, { id: "b", type: "request", credits: 0, ts }]],
    [
      "a non-request frame naming a method",
      [AUTH, { id: "b", type: "event", method: "subscribe", data: { channel: "jobs" }, ts }],
    ],
    ["auth with data: null", [{ ...AUTH, data: null }]],
    ["auth with a numeric token", [{ ...AUTH, data: { token: 5 } }]],
    ["subscribe with {}", [AUTH, { id: "b", type: "request", method: "subscribe", data: {}, ts }]],
    ["unsubscribe with no data", [AUTH, { id: "b", type: "request", method: "unsubscribe", ts }]],
    [
      "subscribe to a channel with quotes",
      [AUTH, { id: "b", type: "request", method: "subscribe", data: { channel: 'say "hi"' }, ts }],
    ],
  ])("%s", async (_, frames) => {
    const server = await answersOf(WS as unknown as WebSocketConstructor, dev.url, frames, frames.length);
    expect(await answersOf(mock.WebSocket, mock.url, frames, frames.length)).toEqual(server);
  });

  it("delivers a synchronous burst of 300 whole to a reader that keeps up (the 256 buffer fills only on a backed-up socket)", async () => {
    const burst = async (client: Dispatch, emit: (n: number) => void, roundTrip: () => Promise<unknown>) => {
      let got = 0;
      await client.subscribe("jobs", () => void got++).ready;
      for (let n = 0; n < 300; n++) emit(n);
      // Answered after every event sent before it, on the same connection.
      await roundTrip();
      return got;
    };
    const onServer = clientOf(dev.url, WS as unknown as WebSocketConstructor);
    const serverGot = await burst(
      onServer,
      (n) => {
        const event = jobEvent("job.enqueued", ID, new Date(n));
        dev.publish({ ...event, data: { ...event.data } });
      },
      () => onServer.stats(),
    );
    mock.handle("stats", () => wireStats());
    const onMock = clientOf(mock.url, mock.WebSocket);
    const mockGot = await burst(
      onMock,
      (n) => mock.emit(jobEvent("job.enqueued", ID, new Date(n))),
      () => onMock.stats(),
    );
    expect(serverGot).toBe(300);
    expect(mockGot).toBe(serverGot);
  });

  it("answers an RPC body of null with an error frame, and an out-of-range code with HTTP 500", async () => {
    const rpc = mock.url.replace("ws:", "http:").replace(/\/dwp$/, "/dwp/rpc");
    const post = (body: string) =>
      fetch(rpc, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "t" },
        body,
      });
    const nullBody = await post("null");
    expect(await nullBody.json()).toMatchObject({ type: "error", error: { code: 405 } });
    expect(() => mock.sent("job.get")).not.toThrow();
    mock.handle("job.get", () => new MockError(1001, "custom"));
    const odd = await post(
      JSON.stringify({ id: "1", type: "request", method: "job.get", data: { job_id: ID } }),
    );
    expect(odd.status).toBe(500);
    expect(await odd.json()).toMatchObject({ error: { code: 1001, message: "custom" } });
  });
});

describe("drop() and reset()", () => {
  it("count a dropped connection as gone at once", async () => {
    const client = clientOf(mock.url, mock.WebSocket);
    await client.subscribe("jobs").ready;
    mock.drop();
    expect(mock.connections).toBe(0);
    expect(mock.emit(jobEvent("job.started", ID))).toBe(0);
  });

  it("reset() drops the queued frames of the test before it: none of them runs after", async () => {
    let releaseHeldRead: (() => void) | undefined;
    mock.handle(
      "job.get",
      ({ job_id }) =>
        new Promise((resolve) => {
          releaseHeldRead = () => resolve(wireJob({ id: job_id }));
        }),
    );
    const client = clientOf(mock.url, mock.WebSocket);
    void client.getJob(ID).catch(() => {});
    void client.cancelJob(ID).catch(() => {});
    // The cancel waits behind the held read, as it would on the Go server.
    await vi.waitFor(() => expect(mock.sent("job.cancel")).toHaveLength(1));
    expect(releaseHeldRead).toBeDefined();

    // What afterEach does between two tests; the next test's handler follows.
    mock.reset();
    const cancel = vi.fn(() => ({ status: "cancelled" as const }));
    mock.handle("job.cancel", cancel);
    const seen = vi.fn();
    void mock.nextFrame("job.cancel").then(seen, () => {});
    releaseHeldRead?.();
    // Were the dropped session still running, the cancel would follow within a few turns.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(cancel).not.toHaveBeenCalled();
    expect(seen).not.toHaveBeenCalled();
  });
});
