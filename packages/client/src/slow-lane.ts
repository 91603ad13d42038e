import type { Logger } from "./logger.js";
import type { RequestOptions } from "./requests.js";
import { rpcCall, rpcUrlOf } from "./transports/rpc.js";

/** A second session, made on demand, for when HTTP RPC cannot be reached. */
export interface SideChannel {
  request(method: string, dataJson: string | undefined, options: RequestOptions): Promise<unknown>;
  close(): void;
}

/** What the slow lane needs from its client. */
export interface SlowLaneOptions {
  url: string;
  fetch: typeof fetch | undefined;
  token(): Promise<string>;
  timeout: number;
  logger: Logger | undefined;
  openSideChannel(): SideChannel;
}

/**
 * Carries requests that the server runs to completion before answering
 * (`workflow.start`), so they never block the main socket: over HTTP RPC,
 * where each request is handled on its own, or else over a second socket.
 *
 * Which route is decided once, by an RPC probe that has no side effects (a
 * ping frame, which the server answers 403 or 405). Deciding per call would
 * be unsafe: a request that failed at the network level may still have run,
 * and must not be re-sent another way.
 */
export class SlowLane {
  #route: Promise<"rpc" | "socket"> | undefined;
  #side: SideChannel | undefined;
  readonly #rpcUrl: string;

  readonly #options: SlowLaneOptions;

  constructor(options: SlowLaneOptions) {
    this.#options = options;
    this.#rpcUrl = rpcUrlOf(options.url);
  }

  async request(method: string, dataJson: string | undefined, options: RequestOptions): Promise<unknown> {
    this.#route ??= this.#probe();
    if ((await this.#route) === "socket") {
      this.#side ??= this.#options.openSideChannel();
      return this.#side.request(method, dataJson, options);
    }
    const fetchFn = this.#options.fetch as typeof fetch;
    return rpcCall({
      fetch: fetchFn,
      url: this.#rpcUrl,
      token: await this.#options.token(),
      method,
      dataJson,
      signal: options.signal,
      timeout: options.timeout ?? this.#options.timeout,
    });
  }

  close(): void {
    this.#side?.close();
    this.#side = undefined;
  }

  async #probe(): Promise<"rpc" | "socket"> {
    const fetchFn = this.#options.fetch;
    if (!fetchFn) return "socket";
    try {
      const response = await fetchFn(this.#rpcUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: `{"id":"probe","type":"ping","ts":"${new Date().toISOString()}"}`,
        signal: AbortSignal.timeout(Math.min(this.#options.timeout, 5_000)),
      });
      await response.text();
      // Any answer from a DWP endpoint is JSON; an HTML 404 means no RPC here.
      if (response.status === 404) throw new Error("no RPC endpoint (404)");
      return "rpc";
    } catch (err) {
      this.#options.logger?.warn(
        `HTTP RPC at ${this.#rpcUrl} is unreachable (${(err as Error).message}); slow requests use a second socket`,
      );
      return "socket";
    }
  }
}
