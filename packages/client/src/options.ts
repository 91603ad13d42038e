import type { Format } from "./codecs/codec.js";
import { readEnv } from "./env.js";
import { ValidationError } from "./errors.js";
import { consoleLogger, guardLogger, type Logger } from "./logger.js";
import { MAX_TIMER_DELAY } from "./timer-delay.js";

/** A token, or a function asked again on every (re)connect. */
export type TokenProvider = string | (() => string | Promise<string>);

/**
 * What the client needs of a WebSocket: the DOM's and `ws`'s both fit, so
 * `ws` needs no cast. (Its events follow the DOM's `addEventListener`.)
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  /**
   * Takes text, or bytes over a plain `ArrayBuffer` (what the codecs make).
   * Not a bare `Uint8Array`: since TypeScript 6.0 the DOM's `send` takes a
   * `BufferSource`, which excludes views of a `SharedArrayBuffer`, so the
   * DOM's own WebSocket would no longer fit. Not `Uint8Array<ArrayBuffer>`
   * either: `Uint8Array` is generic only from TypeScript 5.7 on.
   */
  send(data: string | (Uint8Array & { readonly buffer: ArrayBuffer })): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor: the native one, or `ws` on Node 20.
 *
 * @example
 * ```ts
 * import WebSocket from "ws";
 * new Dispatch({ url, token, WebSocket });
 * ```
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Options of `new Dispatch(options)`. */
export interface DispatchOptions {
  /** `wss://host/dwp`. Default: `DISPATCH_URL` from the environment (not in browsers). */
  url?: string | undefined;
  /** Default: `DISPATCH_TOKEN` from the environment (not in browsers). */
  token?: TokenProvider | undefined;
  /** Wire format. Default `"json"`. */
  format?: Format | undefined;
  /** Reconnect after a drop. Default `true`. */
  reconnect?: boolean | undefined;
  /**
   * Reconnection attempts before giving up. Default `Infinity`. A session the
   * server accepted and then never answered when asked (a request, a ping)
   * counts as failed.
   */
  maxRetries?: number | undefined;
  /** Per-request timeout in ms. Default 30 000. */
  timeout?: number | undefined;
  /** Ping interval in ms; 0 disables. Default 15 000. */
  heartbeatInterval?: number | undefined;
  /** Default `globalThis.WebSocket`. Pass `ws` on Node 20. */
  WebSocket?: WebSocketConstructor | undefined;
  /** Default `globalThis.fetch`; used for slow requests over HTTP RPC. */
  fetch?: typeof fetch | undefined;
  /** Allow a plain `ws:` URL to a host other than loopback. Default `false`. */
  allowInsecure?: boolean | undefined;
  /** Reports ignored frames and fallbacks. `DISPATCH_DEBUG=1` also logs every frame. */
  logger?: Logger | undefined;
  /**
   * How `workflow.start` (which the server answers only after the whole run)
   * travels: `"socket"` (a second WebSocket per call, closed after it) or `"rpc"`
   * (HTTP POST /dwp/rpc). `"auto"` (the default) is `"socket"`: over RPC the
   * run lives in the request's context, so a call that ends early (signal,
   * timeout, `close()`, a closed page) makes a sleeping or waiting run fail
   * with `context canceled`; over a socket it runs on. Either way, children
   * the run spawns without waiting share that context: one still sleeping or
   * waiting when the answer has come fails the same way.
   */
  slowRequests?: "auto" | "rpc" | "socket" | undefined;
  /** The first reconnection delay step in ms; each wait is half to all of its step. Default 500. */
  minReconnectDelay?: number | undefined;
  /** The largest reconnection delay step in ms, and the pace of attempts while known offline. Default 10 000. */
  maxReconnectDelay?: number | undefined;
  /**
   * `"websocket"` (default): one WebSocket session carries everything.
   * `"sse"`: for networks that block WebSockets; subscriptions ride
   * Server-Sent Events (`GET /dwp/sse`, one stream per channel) and requests
   * HTTP RPC (`POST /dwp/rpc`); no WebSocket is opened, and `url` may also be
   * the `https://host/dwp` base.
   */
  transport?: Transport | undefined;
}

/** How a `Dispatch` client reaches the server. */
export type Transport = "websocket" | "sse";

/** Options after defaults and validation. */
export interface ResolvedOptions {
  url: string;
  token: TokenProvider;
  format: Format;
  reconnect: boolean;
  maxRetries: number;
  timeout: number;
  heartbeatInterval: number;
  WebSocket: WebSocketConstructor;
  fetch: typeof fetch | undefined;
  logger: Logger | undefined;
  traceFrames: boolean;
  slowRequests: "auto" | "rpc" | "socket";
  minReconnectDelay: number;
  maxReconnectDelay: number;
  transport: Transport;
}

/** Stands in for a WebSocket in SSE mode, which never opens one. */
const noWebSocket = class {
  constructor() {
    throw new ValidationError('transport "sse" never opens a WebSocket');
  }
} as unknown as WebSocketConstructor;

// RFC 6761: every name under .localhost is loopback, and browsers resolve it so.
const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|([^.]+\.)*localhost\.?)$/i;

/** Whether `url` names this machine: no network needed to reach it. */
export function isLoopbackUrl(url: string): boolean {
  return LOOPBACK.test(new URL(url).hostname);
}

/**
 * Checks a DWP URL: `wss:` (or `https:` where `http` is allowed, for HTTP
 * transports); the plaintext `ws:`/`http:` only to loopback unless allowed,
 * because the token would cross the network unencrypted.
 */
export function assertUrl(url: string, allowInsecure: boolean, http = false): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`invalid url "${url}": expected wss://host/dwp`);
  }
  const schemes = http ? ["ws:", "wss:", "http:", "https:"] : ["ws:", "wss:"];
  if (!schemes.includes(parsed.protocol)) {
    throw new ValidationError(
      `invalid url "${url}": the scheme must be wss:${http ? " or https:" : ""} (or ws:${http ? "/http:" : ""} on localhost)`,
    );
  }
  const plain = parsed.protocol === "ws:" || parsed.protocol === "http:";
  if (plain && !allowInsecure && !isLoopbackUrl(url)) {
    throw new ValidationError(
      `refusing plain ${parsed.protocol} to ${parsed.hostname}: the token would cross the network unencrypted. Use ${parsed.protocol === "ws:" ? "wss:" : "https:"}, or pass allowInsecure: true`,
    );
  }
  if (parsed.search.includes("token")) {
    throw new ValidationError("put the token in the token option, never in the URL");
  }
  return parsed;
}

function positive(name: string, value: number, allowZero = false): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ValidationError(`${name} must be a ${allowZero ? "non-negative" : "positive"} number`);
  }
  return value;
}

/** A timer period: beyond what `setTimeout` holds, runtimes fire after 1 ms, so an interval of `Infinity` would ping or reconnect in a tight loop. */
function period(name: string, value: number, allowZero = false): number {
  if (positive(name, value, allowZero) > MAX_TIMER_DELAY) {
    throw new ValidationError(
      `${name} must be at most ${MAX_TIMER_DELAY} ms${allowZero ? "; 0 turns it off" : ""}`,
    );
  }
  return value;
}

/** Applies defaults and the environment, and refuses bad input with a clear message. */
export function resolveOptions(options: DispatchOptions = {}): ResolvedOptions {
  const url = options.url ?? readEnv("DISPATCH_URL");
  if (!url) throw new ValidationError("missing url: pass { url } or set DISPATCH_URL");
  const transport = options.transport ?? "websocket";
  if (transport !== "websocket" && transport !== "sse") {
    throw new ValidationError(`transport must be "websocket" or "sse", got "${String(transport)}"`);
  }
  assertUrl(url, options.allowInsecure ?? false, transport === "sse");
  const token = options.token ?? readEnv("DISPATCH_TOKEN");
  if (token === undefined || token === "") {
    throw new ValidationError("missing token: pass { token } or set DISPATCH_TOKEN");
  }
  if (typeof token !== "string" && typeof token !== "function") {
    throw new ValidationError("token must be a string or a function returning one");
  }
  const format = options.format ?? "json";
  if (format !== "json" && format !== "msgpack") {
    throw new ValidationError(`format must be "json" or "msgpack", got "${String(format)}"`);
  }
  const slowRequests = options.slowRequests ?? "auto";
  if (!["auto", "rpc", "socket"].includes(slowRequests)) {
    throw new ValidationError(
      `slowRequests must be "auto", "rpc" or "socket", got "${String(slowRequests)}"`,
    );
  }
  const WebSocketCtor =
    options.WebSocket ??
    (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ??
    (transport === "sse" ? noWebSocket : undefined);
  if (!WebSocketCtor) {
    throw new ValidationError(
      "no WebSocket implementation: on Node 20 pass { WebSocket } from the ws package, or run node with --experimental-websocket (Node 22+ has one built in)",
    );
  }
  // A default gives way to the bound that was set: only a contradiction the caller wrote is refused.
  const { minReconnectDelay: minSet, maxReconnectDelay: maxSet } = options;
  const minReconnectDelay = period("minReconnectDelay", minSet ?? Math.min(500, maxSet ?? 500));
  const maxReconnectDelay = period("maxReconnectDelay", maxSet ?? Math.max(10_000, minReconnectDelay));
  if (minReconnectDelay > maxReconnectDelay) {
    throw new ValidationError(
      `minReconnectDelay (${minReconnectDelay} ms) must not exceed maxReconnectDelay (${maxReconnectDelay} ms)`,
    );
  }
  const trace = readEnv("DISPATCH_DEBUG") === "1";
  return {
    url,
    token,
    format,
    reconnect: options.reconnect ?? true,
    maxRetries: positive("maxRetries", options.maxRetries ?? Number.POSITIVE_INFINITY, true),
    timeout: positive("timeout", options.timeout ?? 30_000),
    heartbeatInterval: period("heartbeatInterval", options.heartbeatInterval ?? 15_000, true),
    WebSocket: WebSocketCtor,
    fetch: options.fetch ?? (globalThis.fetch ? globalThis.fetch.bind(globalThis) : undefined),
    logger: guardLogger(options.logger ?? (trace ? consoleLogger : undefined)),
    traceFrames: trace,
    slowRequests,
    minReconnectDelay,
    maxReconnectDelay,
    transport,
  };
}
