import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from "vitest";
import { Dispatch } from "../src/client.js";
import type { GapEvent } from "../src/connection-state.js";
import { HEAD_START } from "../src/credits.js";
import { AuthError, DispatchError } from "../src/errors.js";
import type { DispatchOptions } from "../src/options.js";
import type { Method } from "../src/protocol/methods.js";
import type { StreamEvent } from "../src/protocol/types.js";
import { createRpcClient } from "../src/rpc-client.js";
import {
  createMockDispatch,
  INITIAL_CREDITS,
  jobEvent,
  MockError,
  type WireJob,
  wireJob,
  wireStats,
  workflowEvent,
} from "../src/testing/index.js";

const mock = createMockDispatch({ url: "ws://127.0.0.1:7801/dwp" });
const ID = "job_01h455vb4pex5vsknk084sn02q";
const clients: Dispatch[] = [];

/** A client on the mock: `mock.WebSocket`, because Node 20 has no global WebSocket. */
function connect(options: Partial<DispatchOptions> = {}): Dispatch {
  const client = new Dispatch({
    url: mock.url,
    token: "dk_test_kit",
    WebSocket: mock.WebSocket,
    heartbeatInterval: 0,
    minReconnectDelay: 10,
    maxReconnectDelay: 20,
    ...options,
  });
  clients.push(client);
  return client;
}

/** Resolves with the first `count` events the subscription's iterator yields. */
async function take(sub: AsyncIterable<StreamEvent>, count: number): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  if (count === 0) return events;
  for await (const event of sub) if (events.push(event) >= count) break;
  return events;
}

beforeAll(() => mock.listen());
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  mock.reset();
});
afterAll(() => mock.close());

describe("createMockDispatch", () => {
  it("scripts only methods the server has: a misspelt name fails to compile", () => {
    expectTypeOf(mock.handle).parameter(0).toEqualTypeOf<Method>();
  });

  it("answers the auth handshake with a session id", async () => {
    const client = connect();
    const sessionId = await client.connect();
    expect(sessionId).toMatch(/^mock-session-\d+$/);
    expect(client.status.sessionId).toBe(sessionId);
    expect(mock.sent("auth")[0]?.data).toEqual({ token: "dk_test_kit", format: "json" });
    expect(mock.connections).toBe(1);
  });

  it("intercepts the global WebSocket too, which it provides on runtimes without one", async () => {
    expect(globalThis.WebSocket).toBeDefined();
    const client = new Dispatch({ url: mock.url, token: "dk_test_kit", heartbeatInterval: 0 });
    clients.push(client);
    await expect(client.connect()).resolves.toMatch(/^mock-session-/);
  });

  it("fails a nextFrame whose predicate throws, and keeps answering", async () => {
    const stats = wireStats({ connections: 1 });
    mock.handle("stats", () => stats);
    const client = connect();
    await client.connect();
    // Throws on the first frame without data (the stats request has none).
    const waiting = mock.nextFrame((f) => (f.data as { channel: string }).channel === "jobs");
    await expect(client.request("stats")).resolves.toEqual(stats);
    await expect(waiting).rejects.toBeInstanceOf(TypeError);
    await expect(client.request("stats", undefined, { timeout: 2000 })).resolves.toEqual(stats);
  });

  it("answers scripted methods with data, MockError frames and 405 for the rest", async () => {
    const client = connect();
    mock.handle("job.get", ({ job_id }) =>
      job_id === ID
        ? wireJob({ id: job_id, state: "running", payload: { to: "ada" } })
        : new MockError(404, "job not found"),
    );
    mock.handle("job.cancel", () => {
      throw new MockError(409, "job already completed");
    });
    const job = await client.getJob(ID);
    expect(job).toMatchObject({ id: ID, state: "running", payload: { to: "ada" }, worker_id: "" });
    await expect(client.getJob("job_01h455vb4pex5vsknk084sn02r")).rejects.toMatchObject({
      code: 404,
      message: "job not found",
    });
    await expect(client.cancelJob(ID)).rejects.toMatchObject({ code: 409 });
    const unknown = await client.stats().catch((err: unknown) => err);
    expect(unknown).toBeInstanceOf(DispatchError);
    expect(unknown).toMatchObject({ code: 405, message: "unknown method: stats" });
    await expect(client.request("subscribe", { channel: "nope" })).rejects.toMatchObject({
      code: 400,
      message: 'stream: invalid topic "nope"',
    });
    expect(mock.sent("job.get").map((f) => f.data?.job_id)).toEqual([ID, "job_01h455vb4pex5vsknk084sn02r"]);
  });

  it("routes emitted events like the server: once per connection, labelled with the event's topic", async () => {
    const client = connect();
    const all = client.subscribe("jobs");
    const one = client.subscribe(`job:${ID}`);
    await Promise.all([all.ready, one.ready]);
    expect(mock.emit(workflowEvent("workflow.started", "wfrun_01h455vb4pex5vsknk084sn02q"))).toBe(0);
    expect(mock.emit(jobEvent("job.started", ID))).toBe(1);
    expect(mock.emit(jobEvent("job.completed", "job_01h455vb4pex5vsknk084sn02r"))).toBe(1);
    const [onAll, onOne] = await Promise.all([take(all, 2), take(one, 1)]);
    expect(onAll.map((e) => e.type)).toEqual(["job.started", "job.completed"]);
    expect(onOne.map((e) => e.topic)).toEqual([`job:${ID}`]);
    // The client's head start arrived before its subscribes, then two events were spent.
    expect(mock.credits).toBe(INITIAL_CREDITS + HEAD_START - 2);
  });

  it("drops the connection: the client reconnects, reports a gap and subscribes again", async () => {
    const client = connect();
    const sub = client.subscribe("jobs");
    await sub.ready;
    const first = client.status.sessionId;
    const gap = new Promise<GapEvent>((resolve) => client.onGap(resolve));
    const resubscribed = mock.nextFrame((f) => f.method === "subscribe");
    mock.drop();
    expect(await gap).toEqual({ channels: ["jobs"], reason: "reconnect" });
    await resubscribed;
    expect(client.status.sessionId).not.toBe(first);
    expect(mock.sent("auth")).toHaveLength(2);
    mock.emit(jobEvent("job.enqueued", ID));
    expect((await take(sub, 1))[0]?.type).toBe("job.enqueued");
  });

  it("drops events after exhaustCredits until the client grants more", async () => {
    const client = connect();
    const sub = client.subscribe("jobs");
    await sub.ready;
    const grant = mock.nextFrame((f) => f.credits !== undefined);
    const burst = 250; // the client grants after this many events
    for (let i = 0; i < burst; i++) mock.emit(jobEvent("job.enqueued", ID, new Date(i)));
    // Exhausted before the client has read the burst, so before its grant.
    mock.exhaustCredits();
    expect(mock.emit(jobEvent("job.failed", ID))).toBe(0);
    expect(mock.dropped).toBe(1);
    expect((await grant).credits).toBe(burst);
    expect(mock.credits).toBe(burst);
    expect(mock.emit(jobEvent("job.completed", ID))).toBe(1);
    const events = await take(sub, burst + 1);
    expect(events.at(-1)?.type).toBe("job.completed");
    expect(events.some((e) => e.type === "job.failed")).toBe(false);
  });

  it("refuses unknown tokens with 401, and the client does not retry", async () => {
    const strict = createMockDispatch({ url: "ws://127.0.0.1:7802/dwp", tokens: ["dk_test_good"] });
    // One msw server intercepts at a time: swap the file's mock out meanwhile.
    mock.close();
    strict.listen();
    try {
      const bad = new Dispatch({ url: strict.url, token: "dk_test_bad", WebSocket: strict.WebSocket });
      clients.push(bad);
      await expect(bad.connect()).rejects.toBeInstanceOf(AuthError);
      expect(bad.state).toBe("closed");
      expect(strict.sent("auth")).toHaveLength(1);
      const good = new Dispatch({ url: strict.url, token: "dk_test_good", WebSocket: strict.WebSocket });
      clients.push(good);
      await expect(good.connect()).resolves.toMatch(/^mock-session-/);
    } finally {
      strict.close();
      mock.listen();
    }
  });

  it("enforces each token's scopes: 403 on the socket and over RPC, with the server's texts", async () => {
    const scoped = createMockDispatch({
      url: "ws://127.0.0.1:7803/dwp",
      tokens: { dk_test_reader: ["job:read"], dk_test_admin: ["*"] },
    });
    scoped.handle("job.get", ({ job_id }) => wireJob({ id: job_id }));
    scoped.handle("job.enqueue", () => ({ job_id: ID, queue: "default", state: "pending" }));
    mock.close();
    scoped.listen();
    try {
      const reader = new Dispatch({ url: scoped.url, token: "dk_test_reader", WebSocket: scoped.WebSocket });
      clients.push(reader);
      await expect(reader.getJob(ID)).resolves.toMatchObject({ id: ID });
      await expect(reader.enqueue("send", {})).rejects.toMatchObject({
        code: 403,
        message: "insufficient permissions",
      });
      await expect(reader.subscribe("jobs").ready).rejects.toMatchObject({ code: 403 });
      const rpc = createRpcClient({ url: scoped.url, token: "dk_test_reader" });
      await expect(rpc.enqueue("send", {})).rejects.toMatchObject({ code: 403, message: "forbidden" });
      const stranger = createRpcClient({ url: scoped.url, token: "dk_test_nobody" });
      await expect(stranger.getJob(ID)).rejects.toMatchObject({ code: 401, message: "unauthorized" });
      const admin = createRpcClient({ url: scoped.url, token: "dk_test_admin" });
      await expect(admin.enqueue("send", {})).resolves.toMatchObject({ job_id: ID });
      // DWP: a credits frame that also names a method is scope-checked first;
      // refused, it adds no credits.
      const raw = new scoped.WebSocket(scoped.url);
      const answers: Array<Record<string, unknown>> = [];
      raw.addEventListener("message", (event) => answers.push(JSON.parse(String(event.data))));
      await new Promise((resolve) => raw.addEventListener("open", resolve, { once: true }));
      raw.send(
        JSON.stringify({ id: "a", type: "request", method: "auth", data: { token: "dk_test_reader" } }),
      );
      await vi.waitFor(() => expect(answers).toHaveLength(1));
      const before = scoped.credits;
      raw.send(JSON.stringify({ id: "c", type: "request", method: "job.enqueue", credits: 50 }));
      await vi.waitFor(() => expect(answers).toHaveLength(2));
      expect(answers[1]).toMatchObject({
        correl_id: "c",
        error: { code: 403, message: "insufficient permissions" },
      });
      expect(scoped.credits).toBe(before);
      raw.close();
    } finally {
      scoped.close();
      mock.listen();
    }
  });

  it("speaks msgpack when the client asks for it", async () => {
    const client = connect({ format: "msgpack" });
    mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, payload: { n: 1 } }));
    await client.connect();
    expect(client.status.format).toBe("msgpack");
    expect((await client.getJob(ID)).payload).toEqual({ n: 1 });
    const sub = client.subscribe(`job:${ID}`);
    await sub.ready;
    mock.emit(jobEvent("job.started", ID));
    expect((await take(sub, 1))[0]?.type).toBe("job.started");
    expect(mock.sent("subscribe", `job:${ID}`)).toHaveLength(1);
  });

  it("answers workflow.start over HTTP RPC with the same handlers", async () => {
    const client = connect({ slowRequests: "rpc" });
    mock.handle("workflow.start", ({ name }) => ({
      run_id: "wfrun_01h455vb4pex5vsknk084sn02q",
      name,
      state: "completed",
    }));
    await expect(client.startWorkflow("onboard", { user: 1 })).resolves.toEqual({
      run_id: "wfrun_01h455vb4pex5vsknk084sn02q",
      name: "onboard",
      state: "completed",
    });
    expect(mock.sent("workflow.start")[0]?.data).toEqual({ name: "onboard", input: { user: 1 } });
  });

  it("holds later requests behind a slow answer, as the server's read loop does", async () => {
    const client = connect();
    let release!: (job: WireJob) => void;
    mock.handle("job.get", () => new Promise((resolve) => (release = resolve)));
    mock.handle("job.cancel", () => ({ status: "cancelled" }));
    const order: string[] = [];
    const get = client.getJob(ID).then(() => order.push("get"));
    const cancel = client.cancelJob(ID).then(() => order.push("cancel"));
    await vi.waitFor(() => expect(mock.sent("job.cancel")).toHaveLength(1));
    expect(order).toEqual([]);
    release(wireJob({ id: ID }));
    await Promise.all([get, cancel]);
    expect(order).toEqual(["get", "cancel"]);
  });
});
