// rawAnswer, the escape hatch from the typed handler results: its data goes
// out exactly as given, over the socket and over HTTP RPC.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Dispatch } from "../src/client.js";
import { createMockDispatch, rawAnswer } from "../src/testing/index.js";

const mock = createMockDispatch({ url: "ws://127.0.0.1:7812/dwp" });
const ID = "job_01h455vb4pex5vsknk084sn02q";
const ts = "2026-01-02T03:04:05Z";
const clients: Dispatch[] = [];

beforeAll(() => mock.listen());
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  mock.reset();
});
afterAll(() => mock.close());

/** The answer to one request frame on a fresh raw socket, after the auth handshake. */
async function socketAnswer(frame: object): Promise<Record<string, unknown>> {
  const socket = new mock.WebSocket(mock.url);
  const answers: Array<Record<string, unknown>> = [];
  const second = new Promise<Record<string, unknown>>((resolve) =>
    socket.addEventListener("message", (event) => {
      if (answers.push(JSON.parse(String(event.data)) as Record<string, unknown>) === 2) resolve(answers[1]!);
    }),
  );
  await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
  socket.send(JSON.stringify({ id: "a", type: "request", method: "auth", data: { token: "t" }, ts }));
  socket.send(JSON.stringify({ id: "b", type: "request", ts, ...frame }));
  const answer = await second;
  socket.close();
  return answer;
}

/** The answer to one request over `POST /dwp/rpc`. */
async function rpcAnswer(frame: object): Promise<Record<string, unknown>> {
  const response = await fetch(mock.url.replace("ws:", "http:").concat("/rpc"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ id: "b", type: "request", ts, ...frame }),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("rawAnswer", () => {
  it("sends an answer no server would send, as given, to Dispatch and over RPC", async () => {
    mock.handle("job.get", () => rawAnswer({ id: 42 }));
    const client = new Dispatch({
      url: mock.url,
      token: "t",
      WebSocket: mock.WebSocket,
      heartbeatInterval: 0,
    });
    clients.push(client);
    await expect(client.request("job.get", { job_id: ID })).resolves.toEqual({ id: 42 });
    await expect(client.getJob(ID)).resolves.toEqual({ id: 42, payload: null });
    const overRpc = await rpcAnswer({ method: "job.get", data: { job_id: ID } });
    expect(overRpc).toMatchObject({ type: "response", correl_id: "b", data: { id: 42 } });
  });

  it("is unwrapped once a held answer resolves with it", async () => {
    mock.handle("job.get", () => Promise.resolve(rawAnswer("not a job")));
    const answer = await socketAnswer({ method: "job.get", data: { job_id: ID } });
    expect(answer).toMatchObject({ type: "response", correl_id: "b", data: "not a job" });
  });

  it("of undefined sends no data, even for subscribe, where a plain undefined gets the server's answer", async () => {
    const subscribe = { method: "subscribe", data: { channel: "jobs" } };
    mock.handle("subscribe", () => undefined);
    const standard = { channel: "jobs", status: "subscribed" };
    expect((await socketAnswer(subscribe)).data).toEqual(standard);
    expect((await rpcAnswer(subscribe)).data).toEqual(standard);

    mock.handle("subscribe", () => rawAnswer(undefined));
    const onSocket = await socketAnswer(subscribe);
    expect(onSocket).toMatchObject({ type: "response", correl_id: "b" });
    expect(onSocket).not.toHaveProperty("data");
    const overRpc = await rpcAnswer(subscribe);
    expect(overRpc).toMatchObject({ type: "response", correl_id: "b" });
    expect(overRpc).not.toHaveProperty("data");
  });
});
