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

const appRoot = fileURLToPath(new URL("..", import.meta.url));

export async function startDemo(options: StartDemoOptions = {}): Promise<Demo> {
  const host = options.host ?? "127.0.0.1";
  const devServer = await createDevServer({
    port: options.devServerPort ?? 8787,
    host,
    tokens: { [DEMO_TOKEN]: { scopes: ["*"] } },
    jobs: { ...demoJobs, ...options.jobs },
    workflows: demoWorkflows,
    backoff: options.backoff ?? demoBackoff,
    ...(options.queues !== undefined && { queues: options.queues }),
  });
  let vite: ViteDevServer;
  try {
    vite = await createServer({
      root: appRoot,
      configFile: `${appRoot}vite.config.ts`,
      clearScreen: false,
      ...(options.cacheDir !== undefined && { cacheDir: options.cacheDir }),
      logLevel: options.logLevel ?? "warn",
      server: {
        host,
        port: options.port ?? 5173,
        strictPort: options.port !== 0,
        proxy: { "/dwp": { target: devServer.httpUrl, ws: true } },
      },
    });
    await vite.listen();
  } catch (err) {
    await devServer.close();
    throw err;
  }
  const address = vite.httpServer?.address() as AddressInfo | null;
  const port = address?.port ?? options.port ?? 5173;
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
