import { HttpResponse, http, type RequestHandler } from "msw";
import { settle } from "./mock-answer.js";
import { MockError, toErrorDetail } from "./mock-error.js";
import type { SessionHost } from "./mock-session.js";
import { mayCall } from "./scopes.js";
import { type ClientFrame, encodeServerFrame } from "./server-codec.js";
import { channelError } from "./topics.js";

/** `ws(s)://host/dwp` → `http(s)://host/dwp/<endpoint>`: the server's RPC or SSE endpoint. */
export function httpEndpointOf(dwpUrl: string, endpoint: "rpc" | "sse"): string {
  const url = new URL(dwpUrl);
  url.protocol = url.protocol === "wss:" || url.protocol === "https:" ? "https:" : "http:";
  url.search = "";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${endpoint}`;
  return url.toString();
}

function reply(status: number, frame: Parameters<typeof encodeServerFrame>[0]): Response {
  return new HttpResponse(encodeServerFrame(frame, "json") as string, {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/**
 * `POST /dwp/rpc` with the same handlers as the socket, for `createRpcClient`,
 * `transport: "sse"` and `slowRequests: "rpc"`. Each call is handled on its
 * own, and errors come back with the error code as the HTTP status, as the
 * server does.
 */
export function rpcHandler(dwpUrl: string, host: SessionHost, frames: ClientFrame[]): RequestHandler {
  return http.post(httpEndpointOf(dwpUrl, "rpc"), async ({ request }) => {
    let frame: ClientFrame;
    // The server binds JSON only for exactly this type, or none at all.
    const type = request.headers.get("Content-Type");
    try {
      if (type !== null && type !== "application/json") throw new TypeError(type);
      const body: unknown = await request.json();
      // Go binds JSON null as an empty frame; any other non-object fails to bind.
      if (body !== null && (typeof body !== "object" || Array.isArray(body)))
        throw new TypeError("not a frame");
      frame = (body ?? {}) as ClientFrame;
    } catch {
      return reply(400, { type: "error", error: { code: 400, message: "invalid request body" } });
    }
    frames.push(frame);
    // The frame's token unless empty, then the raw header, as the server reads them.
    const token = frame.token || (request.headers.get("Authorization") ?? "");
    const fail = (err: unknown) => {
      const error = toErrorDetail(err);
      // Go answers codes outside 100..599 with status 500 (the frame keeps the code).
      const status = error.code >= 100 && error.code <= 599 ? error.code : 500;
      return reply(status, { type: "error", correl_id: frame.id, error });
    };
    try {
      // RPC's own texts: "unauthorized" and "forbidden", not the socket's.
      if (host.tokens !== undefined && !host.tokens.has(token)) throw new MockError(401, "unauthorized");
      if (!mayCall(host.tokens?.get(token), frame.method ?? "")) throw new MockError(403, "forbidden");
      const method = frame.method ?? "";
      const handler = host.handler(method);
      const isSub = method === "subscribe" || method === "unsubscribe";
      if (!handler && !isSub) throw new MockError(405, `unknown method: ${method}`);
      // Over RPC (transport "sse" checks a channel this way) subscribe changes
      // nothing: the server validates the channel and answers as on a socket.
      const invalid = isSub ? channelError(method, frame.data) : undefined;
      if (invalid) throw new MockError(400, invalid);
      const channel = frame.data?.channel ?? "";
      const answer = settle(handler ? await handler(frame.data, frame) : undefined);
      const data =
        answer.data === undefined && isSub && !answer.raw
          ? { channel, status: method === "subscribe" ? "subscribed" : "unsubscribed" }
          : answer.data;
      return reply(200, { type: "response", correl_id: frame.id, ...(data === undefined ? {} : { data }) });
    } catch (err) {
      return fail(err);
    } finally {
      host.processed(frame);
    }
  });
}
