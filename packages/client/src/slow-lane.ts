import { clientClosedError, DispatchError } from "./errors.js";
import { linkSignals } from "./linked-signal.js";
import type { Logger } from "./logger.js";
import type { RequestOptions } from "./requests.js";
import { rpcCallAsking, rpcUrlOf } from "./transports/rpc.js";

/** How requests that the server runs to completion before answering travel. */
export type SlowRoute = "auto" | "rpc" | "socket";

/** A second session, opened for one slow request and closed after it. */
export interface SideChannel {
  /** Resolves once its session is open. */
  connect(options: RequestOptions): Promise<unknown>;
  request(method: string, dataJson: string | undefined, options: RequestOptions): Promise<unknown>;
  close(): void;
}

/** What the slow lane needs from its client. */
export interface SlowLaneOptions {
  url: string;
  route: SlowRoute;
  fetch: typeof fetch | undefined;
  /** The current token, within `timeout` ms and until `signal` fires. */
  token(timeout: number, signal: AbortSignal): Promise<string>;
  timeout: number;
  logger: Logger | undefined;
  openSideChannel(): SideChannel;
}

/**
 * Carries requests that the server runs to completion before answering
 * (`workflow.start`), so they never block the main socket: over second
 * sockets by default, or over HTTP RPC, where each request is handled on its
 * own but the run lives in the request's context. The Go server cancels that
 * context when the request ends early (a signal, a timeout, a closed page, a
 * dropped network, and likely forge's default 30 s ReadTimeout too), and a
 * sleeping or waiting run then fails. A socket's context outlives its
 * client while the run goes on; children the run spawned (Go's SpawnChild)
 * share it, and end with the socket closed after the answer. No CORS is
 * needed either.
 *
 * The route only changes when the RPC endpoint answers 404 without a DWP
 * frame, which proves the request was not handled; a request that failed at
 * the network level may still have run, and is never re-sent another way.
 */
export class SlowLane {
  #route: "rpc" | "socket";
  /**
   * Second sockets carrying a request. Each request opens its own and closes
   * it after: the server handles one frame at a time per socket, so runs
   * started at once would queue on a shared one, and a socket given up on (a
   * timeout, an abort) still carries its run. None is kept: an idle socket
   * would keep a Node program running and could die unnoticed.
   */
  readonly #busy = new Set<SideChannel>();
  #closed = false;
  // Aborts RPC calls still running at close(): workflow.start may take up to
  // 15 minutes, and its promise must not outlive the client.
  readonly #closer = new AbortController();
  readonly #rpcUrl: string;
  readonly #options: SlowLaneOptions;

  constructor(options: SlowLaneOptions) {
    this.#options = options;
    this.#rpcUrl = rpcUrlOf(options.url);
    this.#route = options.route === "rpc" ? "rpc" : "socket";
  }

  async request(method: string, dataJson: string | undefined, options: RequestOptions): Promise<unknown> {
    if (this.#closed) throw clientClosedError();
    if (this.#route === "rpc") {
      const closer = this.#closer.signal;
      const { signal, release } = linkSignals(options.signal, closer);
      const timeout = options.timeout ?? this.#options.timeout;
      try {
        const call = {
          fetch: this.#options.fetch ?? fetch,
          url: this.#rpcUrl,
          method,
          dataJson,
          signal,
          timeout,
        };
        return await rpcCallAsking(call, (within) => this.#options.token(within, signal));
      } catch (err) {
        if (closer.aborted && !options.signal?.aborted) throw clientClosedError();
        if (!(err instanceof DispatchError && err.code === 404 && err.message.startsWith("HTTP RPC")))
          throw err;
        this.#options.logger?.warn(
          `no DWP endpoint at ${this.#rpcUrl} (404); slow requests use a second socket`,
        );
        this.#route = "socket";
      } finally {
        release();
      }
    }
    if (this.#closed) throw clientClosedError();
    const side = this.#options.openSideChannel();
    this.#busy.add(side);
    try {
      // The answer may take the whole run, but an unreachable server must fail
      // as fast as for other calls: the session gets the ordinary timeout.
      // Nothing was sent then, so the run did not start.
      const timeout = Math.min(options.timeout ?? this.#options.timeout, this.#options.timeout);
      await side.connect(options.signal ? { timeout, signal: options.signal } : { timeout });
      return await side.request(method, dataJson, options);
    } finally {
      // Closing cancels nothing on the server: a run given up on runs on.
      this.#busy.delete(side);
      side.close();
    }
  }

  close(): void {
    this.#closed = true;
    this.#closer.abort();
    for (const side of this.#busy) side.close();
    this.#busy.clear();
  }
}
