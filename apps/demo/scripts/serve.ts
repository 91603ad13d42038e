/**
 * Starts the demo: a `@dispatch/dev-server` running the demo jobs and
 * workflows, and the Vite dev server for the dashboard, which proxies `/dwp`
 * (WebSocket and HTTP RPC) to it so the page talks same-origin.
 */
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createDevServer, type DevServer, type JobHandler } from "@dispatch/dev-server";
import { demoBackoff, demoJobs, demoWorkflows } from "@dispatch/dev-server/demo";
import { createServer, type LogLevel, type ViteDevServer } from "vite";
import { DEV_TOKEN } from "../src/config.js";

/**
 * The one token this dev server accepts. The dashboard sends it unless
 * `VITE_DISPATCH_TOKEN` is set, which is for pointing it at another server.
 */
const DEMO_TOKEN = DEV_TOKEN;

export interface StartDemoOptions {
  /** Vite port; default 5173. `0` picks a free one. */
  port?: number;
  /** Dev server port; default 8787. `0` picks a free one. */
  devServerPort?: number;
  /** Interface both listen on; default `127.0.0.1`. */
  host?: string;
  /** Job handlers replacing the demo ones by name (tests make them deterministic). */
  jobs?: Record<string, JobHandler>;
  /** Retry backoff in ms; default the demo's fast backoff. */
  backoff?: (attempt: number) => number;
  /** Queues the workers take jobs from; default every queue. */
  queues?: readonly string[];
  /** Vite's log level; default `warn`. */
  logLevel?: LogLevel;
  /** Vite's cache directory, relative to apps/demo; default `node_modules/.vite`. */
  cacheDir?: string;
}

export interface Demo {
  /** The dashboard, `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly token: string;
  /** The dev server behind the proxy, with its fault hooks. */
  readonly devServer: DevServer;
  readonly vite: ViteDevServer;
  /** Stops Vite, then the dev server. Idempotent. */
  close(): Promise<void>;
}

/** A port `startDemo` was given is taken: `server` says which of its two. */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  constructor(
    readonly server: "dashboard" | "dev server",
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`port ${port} (${server}) is already in use`, options);
  }
}

const inUse = (err: unknown): boolean =>
  err instanceof Error &&
  // Node's listen error has the code; Vite's strictPort error only the message.
  ((err as NodeJS.ErrnoException).code === "EADDRINUSE" || /^Port \d+ is already in use$/.test(err.message));

const appRoot = fileURLToPath(new URL("..", import.meta.url));

export async function startDemo(options: StartDemoOptions = {}): Promise<Demo> {
  const host = options.host ?? "127.0.0.1";
  const devServerPort = options.devServerPort ?? 8787;
  const devServer = await createDevServer({
    port: devServerPort,
    host,
    tokens: { [DEMO_TOKEN]: { scopes: ["*"] } },
    jobs: { ...demoJobs, ...options.jobs },
    workflows: demoWorkflows,
    backoff: options.backoff ?? demoBackoff,
    ...(options.queues !== undefined && { queues: options.queues }),
  }).catch((err: unknown) => {
    throw inUse(err) ? new PortInUseError("dev server", devServerPort, { cause: err }) : err;
  });
  const vitePort = options.port ?? 5173;
  const vite = await createServer({
    root: appRoot,
    configFile: `${appRoot}vite.config.ts`,
    clearScreen: false,
    ...(options.cacheDir !== undefined && { cacheDir: options.cacheDir }),
    logLevel: options.logLevel ?? "warn",
    server: {
      host,
      port: vitePort,
      strictPort: vitePort !== 0,
      proxy: { "/dwp": { target: devServer.httpUrl, ws: true } },
    },
  }).catch(async (err: unknown) => {
    await devServer.close();
    throw err;
  });
  try {
    await vite.listen();
  } catch (err) {
    // Its file watcher would keep the process (or a test worker) alive.
    await vite.close();
    await devServer.close();
    throw inUse(err) ? new PortInUseError("dashboard", vitePort, { cause: err }) : err;
  }
  const address = vite.httpServer?.address() as AddressInfo | null;
  const port = address?.port ?? vitePort;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/`,
    token: DEMO_TOKEN,
    devServer,
    vite,
    close() {
      closing ??= (async () => {
        try {
          await vite.close();
        } finally {
          await devServer.close();
        }
      })();
      return closing;
    },
  };
}
