// One end-to-end pass of the bundled @dispatch/client, runnable as-is on
// Node, Deno and Bun (plain ESM JavaScript: no TypeScript loader needed).
//
// Inputs come from the environment so the same command line works in every
// runtime:
//   DISPATCH_URL, DISPATCH_TOKEN  read by the client itself (proves env.ts
//                                 works in this runtime); the RPC URL is derived
//   DISPATCH_TEST_BUNDLE          file: URL of the bundled client entry
//   DISPATCH_TEST_WEBSOCKET       "ws" (inject the ws package) or "native"
//   DISPATCH_TEST_TEXT_MSGPACK_URL a server that sends msgpack as text, as Go does
//   DISPATCH_TEST_REFUSED_URL     a loopback address nothing listens on
//
// Prints exactly one line `RESULT <json>` on success and exits by itself once
// every client is closed (a hang means close() left a handle open). On failure
// it prints `FAILED <message>` and exits 1.

import { refusedPass, textMsgpackPass } from "./failure-passes.mjs";

const WATCHDOG_MS = 20_000;

function env(name) {
  const deno = globalThis.Deno;
  if (deno) return deno.env.get(name);
  return globalThis.process?.env?.[name];
}

function exit(code) {
  if (globalThis.Deno) globalThis.Deno.exit(code);
  else globalThis.process.exit(code);
}

function runtimeName() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${globalThis.Bun.version}`;
  return `node ${globalThis.process.versions.node}`;
}

async function webSocketOption(mode) {
  if (mode === "ws") {
    const ws = await import("ws");
    return { WebSocket: ws.WebSocket };
  }
  if (typeof globalThis.WebSocket !== "function") throw new Error("this runtime has no global WebSocket");
  return {};
}

/** Enqueues a job and follows it on the `jobs` channel until it completes. */
async function jobRoundTrip(client, runtime) {
  const sub = client.subscribe("jobs");
  await sub.ready;
  const { job_id } = await client.enqueue("runtime-echo", { runtime });
  const seen = [];
  for await (const event of sub) {
    if (event.data.job_id !== job_id) continue;
    seen.push(event.type);
    if (event.type === "job.completed" || event.type === "job.failed") break;
  }
  const job = await client.getJob(job_id);
  return { id: job_id, events: seen, state: job.state, payload: job.payload };
}

/** A raw `stats` frame over `POST /dwp/rpc`, as DWP specifies it. */
async function rawRpcStats(wsUrl, token) {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = `${url.pathname.replace(/\/$/, "")}/rpc`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: token },
    body: JSON.stringify({ id: "rt-1", type: "request", method: "stats", ts: new Date().toISOString() }),
  });
  const frame = await response.json();
  return { status: response.status, type: frame.type, id: frame.id, hasBroker: !!frame.data?.broker };
}

/** The stateless HTTP RPC client: a job read and broker stats, no socket. */
async function rpcClientPass(createRpcClient, jobId) {
  const rpc = createRpcClient({ url: env("DISPATCH_URL"), token: env("DISPATCH_TOKEN"), timeout: 10_000 });
  const [job, stats] = await Promise.all([rpc.getJob(jobId), rpc.stats()]);
  return { jobState: job.state, hasBroker: typeof stats.broker === "object" };
}

/** `transport: "sse"`: subscriptions over Server-Sent Events (fetch streaming), requests over RPC. */
async function ssePass(Dispatch) {
  const client = new Dispatch({ transport: "sse", timeout: 10_000 });
  try {
    const { events } = await jobRoundTrip(client, "sse");
    return { events };
  } finally {
    client.close();
  }
}

async function main() {
  const mode = env("DISPATCH_TEST_WEBSOCKET") ?? "native";
  const bundle = env("DISPATCH_TEST_BUNDLE");
  if (!bundle) throw new Error("DISPATCH_TEST_BUNDLE is not set");
  const { Dispatch, createRpcClient } = await import(bundle);
  const socket = await webSocketOption(mode);
  const runtime = runtimeName();

  // url and token deliberately come from DISPATCH_URL / DISPATCH_TOKEN.
  const client = new Dispatch({ ...socket, timeout: 10_000 });
  let result;
  try {
    const job = await jobRoundTrip(client, runtime);
    const rpc = await rawRpcStats(env("DISPATCH_URL"), env("DISPATCH_TOKEN"));
    // workflow.start is answered only after the whole run; outside browsers
    // the client sends it over HTTP RPC so the socket stays free.
    const workflow = await client.startWorkflow("runtime-flow", { n: 2 });
    const rpcClient = await rpcClientPass(createRpcClient, job.id);
    result = { runtime, websocket: mode, job, rpc, rpcClient, workflow: workflow.state };
  } finally {
    client.close();
  }

  // The msgpack codec is a lazy chunk: this loads it in this runtime.
  const packed = new Dispatch({ ...socket, format: "msgpack", timeout: 10_000 });
  try {
    const stats = await packed.stats();
    result.msgpack = { connections: typeof stats.connections === "number" };
  } finally {
    packed.close();
  }
  result.sse = await ssePass(Dispatch);
  result.textMsgpack = await textMsgpackPass(Dispatch, {
    ...socket,
    url: env("DISPATCH_TEST_TEXT_MSGPACK_URL"),
  });
  result.refused = await refusedPass(Dispatch, { ...socket, url: env("DISPATCH_TEST_REFUSED_URL") });
  return result;
}

const watchdog = setTimeout(() => {
  console.log(`FAILED no result within ${WATCHDOG_MS} ms`);
  exit(1);
}, WATCHDOG_MS);

main().then(
  (result) => {
    clearTimeout(watchdog);
    console.log(`RESULT ${JSON.stringify(result)}`);
  },
  (error) => {
    console.log(`FAILED ${error?.stack ?? error}`);
    exit(1);
  },
);
