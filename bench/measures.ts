import { Dispatch, type WebSocketConstructor } from "@dispatch/client";
import { createDevServer } from "@dispatch/dev-server";
import WS from "ws";
import { startFloodServer } from "./flood-server.js";

const WebSocket = WS as unknown as WebSocketConstructor;
const TOKEN = "dk_test_bench";

function client(url: string, format: "json" | "msgpack" = "json"): Dispatch {
  return new Dispatch({ url, token: TOKEN, WebSocket, format, heartbeatInterval: 0 });
}

/** Resolves with the elapsed ms once `count` events reached `onEvent`. */
function counter(count: number): { hit(): void; done: Promise<number>; start(): void } {
  let n = 0;
  let t0 = 0;
  let resolve!: (ms: number) => void;
  const done = new Promise<number>((r) => {
    resolve = r;
  });
  return {
    start: () => {
      t0 = performance.now();
    },
    hit: () => {
      if (++n === count) resolve(performance.now() - t0);
    },
    done,
  };
}

/** Events per second through bare `ws` + `JSON.parse`: the physical limit. */
export async function bareIngest(events: number): Promise<number> {
  const server = await startFloodServer();
  const ws = new WS(server.url);
  const count = counter(events);
  let authed!: () => void;
  const ready = new Promise<void>((r) => {
    authed = r;
  });
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === "event") count.hit();
    else authed();
  });
  await new Promise((r) => ws.once("open", r));
  ws.send(
    JSON.stringify({ id: "a", type: "request", method: "auth", data: { token: TOKEN, format: "json" } }),
  );
  await ready;
  count.start();
  server.flood(events);
  const ms = await count.done;
  ws.terminate();
  await server.close();
  return (events / ms) * 1000;
}

/** Events per second through `for await (const e of client.subscribe(...))`. */
export async function sdkIngest(events: number, format: "json" | "msgpack"): Promise<number> {
  const server = await startFloodServer();
  const c = client(server.url, format);
  const sub = c.subscribe("firehose");
  await sub.ready;
  const count = counter(events);
  count.start();
  server.flood(events);
  let n = 0;
  for await (const _ of sub) {
    count.hit();
    if (++n === events) break;
  }
  const ms = await count.done;
  c.close();
  await server.close();
  return (events / ms) * 1000;
}

/** Drain time of a backlog buffered while nobody read, and heap per buffered event. */
export async function backlog(events: number): Promise<{ drainMs: number; bytesPerEvent: number }> {
  const server = await startFloodServer();
  const c = client(server.url);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const sub = c.subscribe("firehose", { maxBuffered: events });
  const arrived = counter(events);
  // A second, listener-only subscription on the same channel tells when all arrived.
  c.subscribe("firehose", () => arrived.hit());
  await sub.ready;
  server.flood(events);
  await arrived.done;
  gc?.();
  const bytesPerEvent = (process.memoryUsage().heapUsed - heapBefore) / events;
  const t0 = performance.now();
  let n = 0;
  for await (const _ of sub) if (++n === events) break;
  const drainMs = performance.now() - t0;
  c.close();
  await server.close();
  return { drainMs, bytesPerEvent };
}

/** Events lost when the flood starts in the same tick as the subscribe acknowledgement. */
export async function subscribeRace(events: number): Promise<number> {
  const server = await startFloodServer();
  server.floodOnSubscribe = events;
  const c = client(server.url);
  let received = 0;
  const all = counter(events);
  const sub = c.subscribe("firehose", () => {
    received++;
    all.hit();
  });
  await sub.ready;
  await Promise.race([all.done, new Promise((r) => setTimeout(r, 5000))]);
  c.close();
  await server.close();
  return events - received;
}

/** `concurrency` simultaneous `job.get` against the dev server: SDK and bare `ws`, requests per second. */
export async function concurrentRequests(concurrency: number): Promise<{ sdk: number; bare: number }> {
  const server = await createDevServer({ jobs: {} });
  const c = client(server.url);
  const { job_id } = await c.enqueue("noop", {});
  const sdkRound = async (): Promise<number> => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, () => c.getJob(job_id)));
    return (concurrency / (performance.now() - t0)) * 1000;
  };
  // The physical limit: the same frames over bare `ws`, each answer parsed and matched.
  const ws = new WS(server.url);
  await new Promise((r) => ws.once("open", r));
  let pending = new Map<string, () => void>();
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { correl_id?: string };
    pending.get(frame.correl_id ?? "")?.();
  });
  const authed = new Promise<void>((resolve) => pending.set("a", resolve));
  ws.send(JSON.stringify({ id: "a", type: "request", method: "auth", data: { token: TOKEN } }));
  await authed;
  let round = 0;
  const bareRound = async (): Promise<number> => {
    pending = new Map();
    const ts = new Date().toISOString();
    const t0 = performance.now();
    const answers = Array.from({ length: concurrency }, (_, i) => {
      const id = `r${round}-${i}`;
      const answered = new Promise<void>((resolve) => pending.set(id, resolve));
      ws.send(
        `{"id":"${id}","type":"request","method":"job.get","data":{"job_id":"${job_id}"},"ts":"${ts}"}`,
      );
      return answered;
    });
    round++;
    await Promise.all(answers);
    return (concurrency / (performance.now() - t0)) * 1000;
  };
  // Warm both paths (JIT, server) before measuring, then alternate rounds so
  // drift in machine load touches both; one round of 1,000 takes ~50 ms, too
  // short to stand alone.
  await sdkRound();
  await bareRound();
  const sdkRates: number[] = [];
  const bareRates: number[] = [];
  for (let i = 0; i < 5; i++) {
    bareRates.push(await bareRound());
    sdkRates.push(await sdkRound());
  }
  const harmonic = (rates: number[]) => rates.length / rates.reduce((sum, r) => sum + 1 / r, 0);
  const bare = harmonic(bareRates);
  const sdk = harmonic(sdkRates);
  c.close();
  ws.terminate();
  await server.close();
  return { sdk, bare };
}
