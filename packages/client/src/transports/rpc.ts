import { jsonCodec } from "../codecs/json.js";
import {
  AuthError,
  abortedBy,
  ConnectionError,
  DispatchError,
  errorFromServer,
  TimeoutError,
  ValidationError,
} from "../errors.js";
import { linkSignals, raceAbort } from "../linked-signal.js";
import type { Logger } from "../logger.js";
import type { Frame } from "../protocol/frame.js";
import { timerDelay } from "../timer-delay.js";
import { traceFrame } from "../trace.js";

/** One HTTP RPC call. */
export interface RpcCall {
  fetch: typeof fetch;
  /** `http(s)://host/dwp/rpc` */
  url: string;
  token: string;
  method: string;
  dataJson: string | undefined;
  signal?: AbortSignal | undefined;
  timeout: number;
  /** Where each request frame and its answer are logged, for debugging; it must not throw. */
  trace?: Pick<Logger, "debug"> | undefined;
}

let counter = 0;

/** Asks for the token within `timeout` ms, until `signal` fires. */
export type AskToken = (timeout: number, signal: AbortSignal | undefined) => Promise<string>;

/**
 * `rpcCall` with the token asked for first, both within the call's one
 * `timeout`: a slow token provider must not double how long a call may take.
 */
export async function rpcCallAsking(call: Omit<RpcCall, "token">, ask: AskToken): Promise<unknown> {
  const started = Date.now();
  const token = await ask(call.timeout, call.signal);
  return rpcCall({ ...call, token, timeout: Math.max(1, call.timeout - (Date.now() - started)) });
}

/**
 * The DWP base as an http(s) URL: `ws(s)://host/dwp` maps to
 * `http(s)://host/dwp`; an http(s) URL is taken as the base itself, and one
 * with no path at all gets the server's default base path `/dwp`.
 */
export function httpBaseOf(dwpUrl: string): URL {
  const url = new URL(dwpUrl);
  const secure = url.protocol === "wss:" || url.protocol === "https:";
  const wasHttp = url.protocol === "http:" || url.protocol === "https:";
  url.protocol = secure ? "https:" : "http:";
  url.search = "";
  url.hash = "";
  if (wasHttp && (url.pathname === "" || url.pathname === "/")) url.pathname = "/dwp";
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

/** `ws(s)://host/dwp` or `http(s)://host[/dwp]` → `http(s)://host/dwp/rpc` (a URL already ending in `/rpc` stays). */
export function rpcUrlOf(dwpUrl: string): string {
  const url = httpBaseOf(dwpUrl);
  if (!url.pathname.endsWith("/rpc")) url.pathname = `${url.pathname}/rpc`;
  return url.toString();
}

/** What `fetch` accepts in a header value. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Sends one request frame to `POST /dwp/rpc`. DWP wants the content type
 * exactly `application/json` (a charset suffix answers 400) and the raw token
 * in `Authorization` (`Bearer …` answers 401). The HTTP status is the error
 * code of an error frame, so a frame wins over the status when there is one.
 */
export async function rpcCall(call: RpcCall): Promise<unknown> {
  const aborted = abortedBy(call.signal);
  if (aborted) throw aborted;
  // fetch refuses such a header with a TypeError, which would pass for a
  // network failure and be retried forever.
  if (!HEADER_VALUE.test(call.token)) {
    throw new ValidationError(
      "the token cannot travel in an HTTP header (only printable Latin-1 characters can): HTTP RPC and SSE cannot send it",
    );
  }
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timerDelay(call.timeout));
  const linked = linkSignals(call.signal, timeout.signal);
  const { signal } = linked;
  const frame = { id: `rpc-${++counter}`, type: "request", method: call.method, ts: new Date() } as const;
  const request = call.dataJson === undefined ? frame : { ...frame, dataJson: call.dataJson };
  traceFrame(call.trace, "→", request);
  const body = jsonCodec.encode(request);
  let response: Response;
  let text: string;
  try {
    response = await raceAbort(
      call.fetch(call.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: call.token },
        body: body as string,
        signal,
      }),
      signal,
    );
    // Inside the try: the timeout and the signal cover a body that stalls too.
    text = response.status === 204 ? "" : await raceAbort(response.text(), signal);
  } catch (err) {
    const aborted = abortedBy(call.signal);
    if (aborted) throw aborted;
    if (timeout.signal.aborted) throw new TimeoutError(`${call.method} timed out after ${call.timeout} ms`);
    throw new ConnectionError(`${call.method} over HTTP RPC failed: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
    linked.release();
  }
  if (response.status === 204) return undefined;
  let answer: Frame | undefined;
  try {
    answer = jsonCodec.decode(text);
  } catch {
    answer = undefined;
  }
  if (answer) traceFrame(call.trace, "←", answer);
  if (answer?.type === "error" && answer.error) {
    throw errorFromServer(answer.error.code, answer.error.message, answer.error.details);
  }
  if (response.ok && !answer) {
    throw new DispatchError("protocol", `HTTP RPC answered ${response.status} without a DWP frame`);
  }
  if (!response.ok || !answer) {
    const status = `${response.status} ${response.statusText}`.trim();
    throw response.status === 401
      ? new AuthError(`HTTP RPC answered ${status}`)
      : new DispatchError(response.status, `HTTP RPC answered ${status}`);
  }
  return answer.data;
}
