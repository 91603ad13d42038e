import { wireChannelOf } from "./channels.js";
import type { ConnectionState, ConnectionStatus } from "./connection-state.js";
import { idleStatus, Observable } from "./connection-state.js";
import { AuthError, ConnectionError, clientClosedError, type DispatchError } from "./errors.js";
import { linkSignals } from "./linked-signal.js";
import type { ResolvedOptions } from "./options.js";
import { watchPage } from "./page-lifecycle.js";
import type { RequestOptions } from "./requests.js";
import { Router } from "./router.js";
import { sseRetryDelay } from "./sse-backoff.js";
import { SseChannel } from "./sse-channel.js";
import type { DialKind } from "./sse-channel-hooks.js";
import type { Subscription } from "./subscription.js";
import { resolveToken } from "./token.js";
import { trace } from "./trace.js";
import { rpcCall, rpcCallAsking, rpcUrlOf } from "./transports/rpc.js";
import type { SseStream, SseStreamHandlers } from "./transports/sse.js";

interface Entry {
  readonly router: Router;
  channel: SseChannel;
  ready: boolean;
  reconnecting: boolean;
}

/**
 * The `transport: "sse"` session: requests over HTTP RPC, one SSE stream per
 * wire channel, no WebSocket. It has no session of its own, so `open` means
 * "usable": the token was accepted (a probe `subscribe` over RPC, which the
 * server validates without side effects) and no stream is re-opening.
 * Each wire channel routes into its own `Router`: a `jobs` stream and a
 * `job:X` stream both carry the same event, and each must reach only its own
 * subscriptions.
 */
export class SseLink {
  readonly status = new Observable<ConnectionStatus>(idleStatus("json"));
  readonly #entries = new Map<string, Entry>();
  readonly #closer = new AbortController();
  readonly #rpcUrl: string;
  #probeAttempt = 0;
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  #probed = false;
  /** In the back/forward cache: streams wait for the page to be shown. */
  #suspended = false;
  #unwatch: (() => void) | undefined;

  readonly #options: ResolvedOptions;
  readonly #onGap: (channels: string[], reason?: "subscribe") => void;

  constructor(options: ResolvedOptions, onGap: (channels: string[], reason?: "subscribe") => void) {
    this.#options = options;
    this.#onGap = onGap;
    this.#rpcUrl = rpcUrlOf(options.url);
  }

  get state(): ConnectionState {
    return this.status.get().state;
  }

  /** Starts probing the token; later calls do nothing until `close`. */
  start(): void {
    if (this.state !== "idle") return;
    this.#set("connecting");
    // As the socket does: the network's return ends a backoff wait at once.
    if (this.#options.reconnect)
      this.#unwatch = watchPage({
        resume: () => this.#resume(),
        suspend: () => {
          this.#suspended = true;
          for (const entry of this.#entries.values()) entry.channel.suspend();
        },
      });
    this.#probe();
  }

  /** One request over HTTP RPC. */
  async request(method: string, dataJson: string | undefined, options: RequestOptions): Promise<unknown> {
    const linked = linkSignals(options.signal, this.#closer.signal);
    try {
      return await this.#rpc(method, dataJson, linked.signal, options.timeout);
    } catch (err) {
      if (this.#closer.signal.aborted) throw clientClosedError(err);
      throw err;
    } finally {
      linked.release();
    }
  }

  /** Routes `sub`'s channel; opens its stream if it is the first on it. */
  subscribe(sub: Subscription): void {
    this.start();
    const wire = wireChannelOf(sub.channel);
    let entry = this.#entries.get(wire);
    if (!entry) {
      entry = this.#createEntry(wire);
      this.#entries.set(wire, entry);
      // Its stream opens with the others' when the page is shown.
      if (this.#suspended) entry.channel.suspend();
      entry.channel.start();
    }
    entry.router.add(sub);
    // Not while its stream is re-opening: nothing flows then.
    if (entry.ready && !entry.reconnecting) sub.confirm();
  }

  /** Un-routes `sub`; closes the stream when it was the last on it. */
  release(sub: Subscription): Promise<void> {
    const wire = wireChannelOf(sub.channel);
    const entry = this.#entries.get(wire);
    if (!entry) return Promise.resolve();
    entry.router.remove(sub);
    if (entry.router.all().length === 0) this.#drop(wire, entry);
    return Promise.resolve();
  }

  /** Closes every stream, fails in-flight requests and ends every subscription. */
  close(error?: DispatchError): void {
    if (this.state === "closed") return;
    clearTimeout(this.#probeTimer);
    this.#unwatch?.();
    this.#closer.abort();
    this.#set("closed", error);
    for (const [wire, entry] of [...this.#entries]) {
      this.#drop(wire, entry);
      for (const sub of entry.router.all()) sub.end(error);
    }
  }

  #createEntry(wire: string): Entry {
    const router = new Router();
    const entry = { router, ready: false, reconnecting: false } as Entry;
    entry.channel = new SseChannel(
      {
        dial: (kind, handlers, wanted) => this.#dial(wire, kind, handlers, wanted),
        opening: (kind) => this.#options.logger?.debug?.(`SSE ${wire}: opening a stream (${kind})`),
        ready: () => {
          const first = !entry.ready;
          entry.ready = true;
          this.#usable();
          for (const sub of router.all()) sub.confirm();
          // Unlike a socket, where the subscribe frame is processed before any
          // read sent after it, a stream opens unordered with RPC reads: events
          // between a read and the stream going live may be missed. Say so.
          if (first) this.#onGap(router.channels(), "subscribe");
        },
        event: (event) => {
          if (this.#options.traceFrames) trace(this.#options.logger, "← SSE", event);
          router.route(event);
        },
        gap: () => this.#onGap(router.channels()),
        reconnecting: (value, error) => {
          entry.reconnecting = value;
          // Back: confirmed again, a subscription made while it was down included.
          for (const sub of router.all()) value ? sub.lost() : sub.confirm();
          this.#refresh(error);
        },
        failed: (error) => {
          // A refused token is refused everywhere: close the client, as a 401 on the socket does.
          if (error instanceof AuthError && !error.retryable) return this.close(error);
          this.#drop(wire, entry);
          for (const sub of router.all()) sub.confirm(error);
        },
      },
      this.#options,
    );
    return entry;
  }

  #drop(wire: string, entry: Entry): void {
    entry.channel.close();
    if (this.#entries.get(wire) === entry) this.#entries.delete(wire);
    this.#refresh();
  }

  async #dial(
    wire: string,
    kind: DialKind,
    handlers: SseStreamHandlers,
    wanted: () => boolean,
  ): Promise<SseStream> {
    const token = await resolveToken(this.#options.token, this.#options.timeout, this.#closer.signal);
    // The SSE endpoint answers 200 and ends the stream for a bad token, scope
    // or channel, and never validates the channel at all. The same check over
    // RPC answers 401/403/400 without subscribing anything.
    if (kind !== "rollover") {
      await this.#rpc("subscribe", JSON.stringify({ channel: wire }), this.#closer.signal, undefined, token);
    }
    // Loaded here so WebSocket-only bundles never carry the SSE parser.
    const { openSseStream, sseUrlOf } = await import("./transports/sse.js");
    if (this.state === "closed" || !wanted()) throw new ConnectionError("no longer wanted", { closed: true });
    const fetchFn = this.#fetch();
    return openSseStream(
      {
        fetch: fetchFn,
        url: sseUrlOf(this.#options.url, token, wire),
        logger: this.#options.logger,
        timeout: this.#options.timeout,
      },
      handlers,
    );
  }

  /** The page says the network is back: a probe or a stream waiting out its backoff goes now. */
  #resume(): void {
    this.#suspended = false;
    if (!this.#probed && this.#probeTimer !== undefined) {
      clearTimeout(this.#probeTimer);
      this.#probe();
    }
    for (const entry of this.#entries.values()) entry.channel.resume();
  }

  /** Checks the token once: accepted (or lacking a scope, 403) means usable; 401 closes. */
  #probe(): void {
    this.#probeTimer = undefined;
    this.#rpc("subscribe", JSON.stringify({ channel: "firehose" }), this.#closer.signal).then(
      () => this.#usable(),
      (error: DispatchError) => {
        // A stream that opened meanwhile already proved the token: a late
        // probe failure must not pull the state back to "reconnecting".
        if (this.state === "closed" || this.#probed) return;
        if (error.code === 403) return this.#usable();
        const { reconnect, maxRetries } = this.#options;
        if (!error.retryable || !reconnect || this.#probeAttempt >= maxRetries) return this.close(error);
        const delay = sseRetryDelay(this.#probeAttempt++, this.#options);
        this.#set("reconnecting", error);
        this.#probeTimer = setTimeout(() => this.#probe(), delay);
      },
    );
  }

  #usable(): void {
    if (this.#probed || this.state === "closed") return;
    this.#probed = true;
    clearTimeout(this.#probeTimer);
    this.#refresh();
  }

  /** `open` once usable and while no stream is re-opening. */
  #refresh(error?: DispatchError): void {
    if (this.state === "closed" || !this.#probed) return;
    const reconnecting = [...this.#entries.values()].some((e) => e.reconnecting);
    const next = reconnecting ? "reconnecting" : "open";
    // Why a stream went down shows in `status.error`, as on the socket.
    if (next !== this.state) this.#set(next, reconnecting ? error : undefined);
  }

  #set(state: ConnectionState, error?: DispatchError): void {
    const previous = this.status.get();
    this.status.set({
      ...previous,
      state,
      error: error ?? (state === "open" ? undefined : previous.error),
      lastConnectedAt: state === "open" ? Date.now() : previous.lastConnectedAt,
    });
  }

  #fetch(): typeof fetch {
    const fetchFn = this.#options.fetch ?? globalThis.fetch;
    if (!fetchFn) throw new ConnectionError('transport "sse" needs fetch: pass { fetch }');
    return fetchFn;
  }

  async #rpc(
    method: string,
    dataJson: string | undefined,
    signal: AbortSignal,
    timeout?: number,
    token?: string,
  ): Promise<unknown> {
    const trace = this.#options.traceFrames ? this.#options.logger : undefined;
    const call = { fetch: this.#fetch(), url: this.#rpcUrl, method, dataJson, signal, trace };
    const within = timeout ?? this.#options.timeout;
    if (token !== undefined) return rpcCall({ ...call, token, timeout: within });
    return rpcCallAsking({ ...call, timeout: within }, (t, s) => resolveToken(this.#options.token, t, s));
  }
}
