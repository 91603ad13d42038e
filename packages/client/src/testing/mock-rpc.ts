import { HttpResponse, http, type RequestHandler } from "msw";
import { MockError, toErrorDetail } from "./mock-error.js";
import type { SessionHost } from "./mock-session.js";
import { mayCall } from "./scopes.js";
import { type ClientFrame, encodeServerFrame } from "./server-codec.js";

/** `ws(s)://host/dwp` → `http(s)://host/dwp/rpc`, the server's RPC endpoint. */
function rpcUrlOf(dwpUrl: string): string {
  const url = new URL(dwpUrl);
  url.protocol = url.protocol === "wss:" || url.protocol === "https:" ? "https:" : "http:";
  url.search = "";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/rpc`;
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
  return http.post(rpcUrlOf(dwpUrl), async ({ request }) => {
    let frame: ClientFrame;
    try {
      frame = (await request.json()) as ClientFrame;
    } catch {
      return reply(400, { type: "error", error: { code: 400, message: "invalid request body" } });
    }
    frames.push(frame);
    // The frame's token unless empty, then the raw header, as the server reads them.
    const token = frame.token || (request.headers.get("Authorization") ?? "");
    const fail = (err: unknown) => {
      const error = toErrorDetail(err);
      return reply(error.code, { type: "error", correl_id: frame.id, error });
    };
    try {
      // RPC's own texts: "unauthorized" and "forbidden", not the socket's.
      if (host.tokens !== undefined && !host.tokens.has(token)) throw new MockError(401, "unauthorized");
      if (!mayCall(host.tokens?.get(token), frame.method ?? "")) throw new MockError(403, "forbidden");
      const handler = frame.method === undefined ? undefined : host.handler(frame.method);
      if (!handler) throw new MockError(405, `unknown method: ${frame.method ?? ""}`);
      const data = await handler(frame.data, frame);
      if (data instanceof MockError) throw data;
      return reply(200, { type: "response", correl_id: frame.id, ...(data === undefined ? {} : { data }) });
    } catch (err) {
      return fail(err);
    } finally {
      host.processed(frame);
    }
  });
}
