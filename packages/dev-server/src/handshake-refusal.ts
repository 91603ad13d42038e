/**
 * What gobwas/ws (v1.4.0, behind forge's `/dwp` route) answers to a request
 * it cannot upgrade, checked in its order: the HTTP version, `Host`,
 * `Upgrade`, `Connection`, `Sec-WebSocket-Key`, `Sec-WebSocket-Version`.
 * `ws` would refuse the same requests with other statuses and texts.
 */
import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";

export interface HandshakeRefusal {
  status: number;
  reason: string;
  /** An extra header line, CRLF included. */
  header?: string;
}

const bad = (header: string): HandshakeRefusal => ({
  status: 400,
  reason: `handshake error: bad "${header}" header`,
});

/** gobwas reads the first value of a header only. */
function first(req: IncomingMessage, name: string): string {
  return req.headersDistinct[name]?.[0] ?? "";
}

/** Why the upgrade would be refused, or `undefined` for a good handshake. */
export function handshakeRefusal(req: IncomingMessage): HandshakeRefusal | undefined {
  if (req.httpVersionMajor < 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor < 1)) {
    return { status: 505, reason: "handshake error: bad HTTP protocol version" };
  }
  if (first(req, "host") === "") return bad("Host");
  if (first(req, "upgrade").toLowerCase() !== "websocket") return bad("Upgrade");
  const connection = first(req, "connection");
  if (!connection.split(",").some((token) => token.trim().toLowerCase() === "upgrade"))
    return bad("Connection");
  if (first(req, "sec-websocket-key").length !== 24) return bad("Sec-WebSocket-Key");
  const version = first(req, "sec-websocket-version");
  if (version === "13") return undefined;
  // RFC 6455: a version that is there but not ours is answered 426 and named.
  if (version !== "")
    return { ...bad("Sec-WebSocket-Version"), status: 426, header: "Sec-WebSocket-Version: 13\r\n" };
  return bad("Sec-WebSocket-Version");
}

/**
 * The response gobwas writes on the hijacked connection: no `Date`, no
 * `Connection` header. (Go then leaves the connection open until the client
 * goes; the caller ends it.)
 */
export function refusalResponse(refusal: HandshakeRefusal): string {
  const { status, reason, header = "" } = refusal;
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `${header}Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`
  );
}
