import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleClient } from "./bundle.js";
import { documentedFailures } from "./documented-failures.js";
import { describeRun, runProcess } from "./run-process.js";

// The client's "runs on Node, Deno, Bun and browsers" claim, tested: the same
// bundled client and the same plain-JavaScript script run in each runtime as
// a child process, against a dev server in this process.

const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = join(import.meta.dirname, "run-client.mjs");
const BIN = join(ROOT, "node_modules/.bin");
const TOKEN = "dk_test_runtimes";
const CHILD_TIMEOUT_MS = 30_000;

/** Why native WebSocket on this Node cannot be tested, or undefined if it can. */
function nodeWebSocketFlags(): { flags: string[] } | { skip: string } {
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function") return { flags: [] };
  if (process.allowedNodeEnvironmentFlags.has("--experimental-websocket")) {
    return { flags: ["--experimental-websocket"] };
  }
  return { skip: `Node ${process.version} has neither a global WebSocket nor --experimental-websocket` };
}

const nodeNative = nodeWebSocketFlags();

interface RuntimeCase {
  name: string;
  command: string;
  args: string[];
  websocket: "ws" | "native";
  /** How the script names the runtime it ran in (guards against running the wrong binary). */
  reports: "node" | "deno" | "bun";
  /** Set when the runtime is missing here: the test is skipped with this reason. */
  skip?: string;
}

const cases: RuntimeCase[] = [
  { name: "node + injected ws", command: process.execPath, args: [SCRIPT], websocket: "ws", reports: "node" },
  {
    name: "node + native WebSocket",
    command: process.execPath,
    args: [...("flags" in nodeNative ? nodeNative.flags : []), SCRIPT],
    websocket: "native",
    reports: "node",
    ...("skip" in nodeNative ? { skip: nodeNative.skip } : {}),
  },
  {
    name: "deno",
    command: join(BIN, "deno"),
    args: ["run", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", "--no-config", SCRIPT],
    websocket: "native",
    reports: "deno",
    ...(existsSync(join(BIN, "deno")) ? {} : { skip: "node_modules/.bin/deno is not installed" }),
  },
  {
    name: "bun",
    command: join(BIN, "bun"),
    args: ["run", SCRIPT],
    websocket: "native",
    reports: "bun",
    ...(existsSync(join(BIN, "bun")) ? {} : { skip: "node_modules/.bin/bun is not installed" }),
  },
];

let server: DevServer;
/** Writes msgpack frames as text messages, as the Go server does. */
let textMsgpackServer: DevServer;
/** A loopback port that was listening a moment ago and is closed now. */
let refusedUrl: string;
let outdir: string;
let entryUrl: string;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), "dispatch-runtimes-"));
  ({ entryUrl } = await bundleClient(outdir, "neutral"));
  server = await createDevServer({
    port: 0,
    host: "127.0.0.1",
    tokens: { [TOKEN]: { scopes: ["*"] } },
    jobs: { "runtime-echo": async () => {} },
    workflows: {
      "runtime-flow": async (wf, input) => {
        await wf.step("double", () => ({ n: ((input as { n?: number }).n ?? 0) * 2 }));
      },
    },
  });
  textMsgpackServer = await createDevServer({
    port: 0,
    host: "127.0.0.1",
    tokens: { [TOKEN]: { scopes: ["*"] } },
    msgpackAsText: true,
  });
  const closed = await createDevServer({ port: 0, host: "127.0.0.1" });
  refusedUrl = closed.url;
  await closed.close();
});

afterAll(async () => {
  await textMsgpackServer?.close();
  await server?.close();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe("the bundled client in each runtime", () => {
  for (const runtime of cases) {
    const test = runtime.skip ? it.skip : it;
    const title = runtime.skip ? `${runtime.name} (skipped: ${runtime.skip})` : runtime.name;
    test(
      `${title}: enqueues and follows a job (WebSocket and SSE), HTTP RPC, msgpack, and fails as documented`,
      async () => {
        const result = await runProcess(runtime.command, runtime.args, {
          cwd: import.meta.dirname,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DISPATCH_URL: server.url,
            DISPATCH_TOKEN: TOKEN,
            DISPATCH_TEST_BUNDLE: entryUrl,
            DISPATCH_TEST_WEBSOCKET: runtime.websocket,
            DISPATCH_TEST_TEXT_MSGPACK_URL: textMsgpackServer.url,
            DISPATCH_TEST_REFUSED_URL: refusedUrl,
            DENO_NO_UPDATE_CHECK: "1",
            NO_COLOR: "1",
          },
          timeoutMs: CHILD_TIMEOUT_MS,
        });
        const line = result.stdout.split("\n").find((l) => l.startsWith("RESULT "));
        // Exiting on its own proves close() released every socket and timer.
        expect(result.code, describeRun(result)).toBe(0);
        expect(line, describeRun(result)).toBeDefined();
        const report: unknown = JSON.parse((line ?? "").slice("RESULT ".length));
        expect(report).toMatchObject({
          runtime: expect.stringMatching(new RegExp(`^${runtime.reports} `)),
          websocket: runtime.websocket,
          job: {
            state: "completed",
            events: expect.arrayContaining(["job.enqueued", "job.started", "job.completed"]),
            payload: { runtime: expect.stringMatching(/^(node|deno|bun) /) },
          },
          // The server gives an RPC response a fresh id rather than echoing the request's.
          rpc: { status: 200, type: "response", id: expect.any(String), hasBroker: true },
          rpcClient: { jobState: "completed", hasBroker: true },
          workflow: "completed",
          sse: { events: expect.arrayContaining(["job.completed"]) },
          msgpack: { connections: true },
          ...documentedFailures,
        });
      },
      CHILD_TIMEOUT_MS + 10_000,
    );
  }
});
