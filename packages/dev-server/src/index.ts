/**
 * `@dispatch/dev-server`: an in-memory stand-in for the Go Dispatch server
 * that speaks the Dispatch Wire Protocol (WebSocket, HTTP RPC, SSE) the way
 * the Go server does, quirks included, and really runs jobs and workflows.
 */

import { createAuthenticator, type TokenTable } from "./auth.js";
import { Broker } from "./broker.js";
import { createEngine } from "./engine/index.js";
import type { Engine, EngineOptions, JobHandler, StreamEvent, WorkflowHandler } from "./engine/types.js";
import { createFaults, type RestartOptions } from "./faults.js";
import { createHandler } from "./handlers.js";
import { connectableHost } from "./listen-address.js";
import { Transport } from "./server.js";

export type { Identity, TokenIdentity, TokenTable } from "./auth.js";
export type { BrokerStats } from "./broker.js";
export type {
  Engine,
  EngineOptions,
  JobContext,
  JobHandler,
  JobState,
  JobWire,
  RunState,
  RunWire,
  Scope,
  StreamEvent,
  StreamEventType,
  TimelineEntryWire,
  WorkflowContext,
  WorkflowEvent,
  WorkflowHandler,
} from "./engine/types.js";
export { EngineError } from "./engine/types.js";
export type { RestartOptions } from "./faults.js";

/**
 * Options for {@link createDevServer}. Every field is optional: `{}` gives a
 * server on a free loopback port that accepts every token and has no handlers.
 */
export interface DevServerOptions {
  /** TCP port; `0` (the default) picks a free one. */
  port?: number | undefined;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string | undefined;
  /**
   * Accepted tokens and their identities. When omitted every token (even an
   * empty one) is accepted with scope `*`, like the Go NoopAuthenticator.
   */
  tokens?: TokenTable | undefined;
  /** Job handlers by job name. */
  jobs?: Record<string, JobHandler> | undefined;
  /** Workflow handlers by workflow name. */
  workflows?: Record<string, WorkflowHandler> | undefined;
  /**
   * Send msgpack frames as WebSocket TEXT messages, as the Go server does
   * (browsers and default `ws` clients then fail the connection). Default
   * `false`: msgpack goes out as BINARY messages.
   */
  msgpackAsText?: boolean | undefined;
  /** Jobs run at once; default 10 (Go's default). */
  concurrency?: number | undefined;
  /** Retry delay in ms for a 1-based attempt; default Go's jittered exponential backoff. */
  backoff?: ((attempt: number) => number) | undefined;
  /**
   * Queues the workers take jobs from. Default: every queue. (A Go worker
   * polls only the queues it is configured with, `default` unless told; pass
   * `["default"]` to reproduce that.)
   */
  queues?: readonly string[] | undefined;
}

/**
 * A running dev server, as {@link createDevServer} resolves it: where to
 * connect, the engine to set up or inspect state with, and fault injection
 * for reconnect tests.
 */
export interface DevServer {
  /** WebSocket endpoint, `ws://host:port/dwp` (a wildcard host is named by loopback). */
  readonly url: string;
  /** HTTP base, `http://host:port` (RPC at `/dwp/rpc`, SSE at `/dwp/sse`). */
  readonly httpUrl: string;
  /** The bound port: the one picked by the OS when `port` was `0` or omitted. */
  readonly port: number;
  /** The in-memory engine behind the handlers. */
  readonly engine: Engine;
  /** Closes every connection and the listener, and stops the engine. */
  close(): Promise<void>;
  /** Same as `close()`, so `await using` shuts the server down. */
  [Symbol.asyncDispose](): Promise<void>;
  /**
   * Simulates a server restart: every socket (SSE included) is killed, the
   * listener closes for `downMs` (or until `until` settles), then listens
   * again on the same port. The engine keeps its state and running jobs.
   * Resolves once listening again.
   *
   * @example
   * ```ts
   * let up!: () => void;
   * const restarting = server.restart({ until: new Promise<void>((r) => (up = r)) });
   * // … the server refuses connections here, for as long as the test needs
   * up();
   * await restarting;
   * ```
   */
  restart(options: RestartOptions): Promise<void>;
  /** Kills every open socket abruptly (clients see close code 1006). */
  dropConnections(): void;
  /**
   * Freezes every current socket: nothing more is read or written, nothing is
   * closed (a half-dead server). Connections opened afterwards are normal.
   */
  silence(): void;
  /**
   * Publishes a stream event through the broker as if the engine had, to every
   * connection on its topics (credits and buffers apply). For load and fault
   * tests that need floods no real job could produce. Takes the client's
   * event types too (`jobEvent(…)` from `@dispatch/client/testing`), whose
   * `data` is an interface rather than a record.
   *
   * @example
   * ```ts
   * server.publish({ type: "job.started", ts: new Date().toISOString(), topic: "job:job_1", data: { job_id: "job_1" } });
   * ```
   */
  publish(event: Omit<StreamEvent, "data"> & { data: object }): void;
}

/**
 * Starts a dev server.
 *
 * @example
 * ```ts
 * import { createDevServer } from "@dispatch/dev-server";
 *
 * await using server = await createDevServer({
 *   tokens: { dk_test_local: { scopes: ["*"] } },
 *   jobs: { "send-email": async ({ payload }) => console.log("sending", payload) },
 * });
 * const ws = new WebSocket(server.url); // ws://127.0.0.1:<port>/dwp
 * ```
 */
export async function createDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? "127.0.0.1";
  const engineOptions: EngineOptions = {};
  if (options.jobs !== undefined) engineOptions.jobs = options.jobs;
  if (options.workflows !== undefined) engineOptions.workflows = options.workflows;
  if (options.concurrency !== undefined) engineOptions.concurrency = options.concurrency;
  if (options.backoff !== undefined) engineOptions.backoff = options.backoff;
  engineOptions.queues = options.queues ?? [];
  const engine = createEngine(engineOptions);
  const broker = new Broker();
  const unsubscribe = engine.onEvent((event) => broker.publish(event));
  const transport = new Transport({
    broker,
    handle: createHandler(engine, broker),
    authenticate: createAuthenticator(options.tokens),
    msgpackAsText: options.msgpackAsText ?? false,
  });
  let port: number;
  try {
    port = await transport.listen(options.port ?? 0, host);
  } catch (err) {
    unsubscribe();
    engine.close();
    throw err;
  }
  const faults = createFaults({ transport, host, port: () => port });
  const urlHost = connectableHost(host);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await transport.close();
      unsubscribe();
      engine.close();
    })();
    return closing;
  };
  return {
    url: `ws://${urlHost}:${port}/dwp`,
    httpUrl: `http://${urlHost}:${port}`,
    port,
    engine,
    close,
    [Symbol.asyncDispose]: close,
    restart: (o) => faults.restart(o),
    dropConnections: () => faults.dropConnections(),
    silence: () => faults.silence(),
    publish: (event) => void broker.publish(event as StreamEvent),
  };
}
