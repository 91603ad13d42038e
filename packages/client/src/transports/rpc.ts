import { jsonCodec } from "../codecs/json.js";
import { AbortError, ConnectionError, DispatchError, errorFromServer, TimeoutError } from "../errors.js";
import type { Frame } from "../protocol/frame.js";

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
}

let counter = 0;

/** `ws(s)://host/dwp` → `http(s)://host/dwp/rpc`. */
export function rpcUrlOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = `${url.pathname.replace(/\/$/, "")}/rpc`;
  return url.toString();
}

/**
 * Sends one request frame to `POST /dwp/rpc`. DWP wants the content type
 * exactly `application/json` (a charset suffix answers 400) and the raw token
 * in `Authorization` (`Bearer …` answers 401).
 */
export async function rpcCall(call: RpcCall): Promise<unknown> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), call.timeout);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout.signal]) : timeout.signal;
  const frame = { id: `rpc-${++counter}`, type: "request", method: call.method, ts: new Date() } as const;
  const body = jsonCodec.encode(call.dataJson === undefined ? frame : { ...frame, dataJson: call.dataJson });
  let response: Response;
  try {
    response = await call.fetch(call.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: call.token },
      body: body as string,
      signal,
    });
  } catch (err) {
    clearTimeout(timer);
    if (call.signal?.aborted) throw new AbortError(undefined, { cause: call.signal.reason });
    if (timeout.signal.aborted) throw new TimeoutError(`${call.method} timed out after ${call.timeout} ms`);
    throw new ConnectionError(`${call.method} over HTTP RPC failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  clearTimeout(timer);
  if (response.status === 204) return undefined;
  const text = await response.text();
  let answer: Frame | undefined;
  try {
    answer = jsonCodec.decode(text);
  } catch {
    answer = undefined;
  }
  if (answer?.type === "error" && answer.error) {
    throw errorFromServer(answer.error.code, answer.error.message, answer.error.details);
  }
  if (!response.ok || !answer) {
    throw new DispatchError(
      response.status,
      `HTTP RPC answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  return answer.data;
}
