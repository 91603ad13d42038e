/**
 * The HTTP listener: WebSocket upgrades on `/dwp`, HTTP RPC on `/dwp/rpc`,
 * SSE on `/dwp/sse`, 404 elsewhere. Every raw socket is tracked so the fault
 * hooks can drop or freeze them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { WebSocketServer } from "ws";
import type { Authenticator } from "./auth.js";
import type { Broker } from "./broker.js";
import { guardFrames, MAX_MESSAGE_BYTES } from "./frame-guard.js";
import type { Handle } from "./handlers.js";
import { handshakeRefusal, refusalResponse } from "./handshake-refusal.js";
import { handleRpc } from "./rpc.js";
import { Session } from "./session.js";
import { handleSse } from "./sse.js";

export interface TransportOptions {
  broker: Broker;
  handle: Handle;
  authenticate: Authenticator;
  msgpackAsText: boolean;
}

export class Transport {
  readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private readonly silenced = new WeakSet<Socket>();
  /** Sockets refused as gobwas does, on a connection Go has hijacked: nothing more is read. */
  private readonly hijacked = new WeakSet<Socket>();

  constructor(private readonly opts: TransportOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      // gobwas/ws refuses invalid UTF-8 by dropping the connection, where ws
      // would send a 1007 close frame: the session checks it instead.
      skipUTF8Validation: true,
      // forge upgrades without a protocol callback, so none is ever chosen:
      // a client that asks for one fails its handshake.
      handleProtocols: () => false,
      perMessageDeflate: false,
    });
    // Go's http.Server takes 1 MiB of headers (and 4 KiB of slack); Node's default is 16 KiB.
    this.http = createServer({ maxHeaderSize: (1 << 20) + 4096 }, (req, res) => this.route(req, res));
    this.http.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.http.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    // What Go's net/http writes for a request it cannot read, then it closes.
    this.http.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
      // Mid-response (an SSE stream), an answer would land inside the body.
      const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (!socket.writable || err.code === "ECONNRESET" || answering?.headersSent) return socket.destroy();
      const text =
        err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      socket.end(
        `HTTP/1.1 ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${text}`,
      );
    });
  }

  isSilenced = (socket: Socket): boolean => this.silenced.has(socket);

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.http.once("error", onError);
      this.http.listen(port, host, () => {
        this.http.off("error", onError);
        const addr = this.http.address();
        resolve(typeof addr === "object" && addr !== null ? addr.port : port);
      });
    });
  }

  /** Stops accepting connections (existing sockets are left alone). */
  closeListener(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.http.listening) return resolve();
      this.http.close(() => resolve());
    });
  }

  /** Kills every socket abruptly: clients see 1006 / a reset stream. */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Freezes every current socket: nothing read, nothing written, nothing closed. */
  silenceAll(): void {
    for (const socket of this.sockets) {
      this.silenced.add(socket);
      socket.pause();
      // Writes vanish and their callbacks never fire, as with a peer that stopped reading.
      socket.write = (() => true) as Socket["write"];
    }
  }

  async close(): Promise<void> {
    const closing = this.closeListener();
    this.destroyAll();
    this.wss.close();
    await closing;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    // A request pipelined behind a refused handshake: Go never reads it.
    if (this.hijacked.has(req.socket)) return;
    const url = requestUrl(req);
    const path = routedPath(url);
    // bunrouter's answer to a known path and another method: no Allow header.
    const allow = (method: string): boolean => {
      if (req.method === method) return true;
      res.writeHead(405, { "Content-Length": 0 }).end();
      return false;
    };
    try {
      if (path === "/dwp/rpc") {
        if (allow("POST")) {
          handleRpc(req, res, this.opts.authenticate, this.opts.handle).catch(() => {
            if (!res.headersSent) res.writeHead(500).end();
          });
        }
      } else if (path === "/dwp/sse") {
        if (allow("GET")) handleSse(req, res, url, this.opts.broker, this.opts.authenticate, this.isSilenced);
      } else if (path === "/dwp") {
        // Node routes here whatever lacks the upgrade headers, so gobwas always
        // finds one missing; the fallback only satisfies the type.
        if (allow("GET")) {
          this.hijacked.add(req.socket);
          req.socket.end(refusalResponse(handshakeRefusal(req) ?? { status: 400, reason: "" }));
        }
      } else {
        // http.NotFound's answer, whole.
        res
          .writeHead(404, {
            "Content-Type": "text/plain; charset=utf-8",
            "X-Content-Type-Options": "nosniff",
            "Content-Length": NOT_FOUND.length,
          })
          .end(NOT_FOUND);
      }
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = requestUrl(req);
    if (routedPath(url) !== "/dwp") {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    if (req.method !== "GET") {
      socket.end("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const refusal = handshakeRefusal(req);
    if (refusal) {
      socket.end(refusalResponse(refusal));
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      guardFrames(socket);
      new Session(ws, socket, { ...this.opts, isSilenced: this.isSilenced });
    });
  }
}

const NOT_FOUND = "404 page not found\n";

/** forge strips trailing slashes before routing: `/dwp/rpc/` is `/dwp/rpc`. */
function routedPath(url: URL): string {
  return url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") || "/" : url.pathname;
}

/**
 * The request target as Go's router reads it: `//dwp/sse` is a path (that
 * matches no route), not a host named `dwp`, which `new URL(target, base)`
 * would make of it.
 */
function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? "/";
  return target.startsWith("/") ? new URL(`http://localhost${target}`) : new URL(target, "http://localhost");
}
