#!/usr/bin/env node
/**
 * `dispatch-dev [--port 8080] [--host 127.0.0.1] [--token dk_test_local]`:
 * runs a dev server with the demo jobs and workflows.
 */
import { parseArgs } from "node:util";
import { demoBackoff, demoJobs, demoWorkflows } from "./demo/handlers.js";
import { createDevServer } from "./index.js";
import { parsePort } from "./listen-address.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string", default: "dk_test_local" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log("usage: dispatch-dev [--port 8080] [--host 127.0.0.1] [--token dk_test_local]");
    return;
  }
  const port = parsePort(values.port);
  const server = await createDevServer({
    port,
    host: values.host,
    tokens: { [values.token]: { scopes: ["*"] } },
    jobs: demoJobs,
    workflows: demoWorkflows,
    backoff: demoBackoff,
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Before the URL is printed: a supervisor that reads it may stop us at once.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`Dispatch dev server listening on ${server.url}`);
  console.log(`  HTTP RPC: ${server.httpUrl}/dwp/rpc   SSE: ${server.httpUrl}/dwp/sse`);
  console.log(`  token:    ${values.token}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
