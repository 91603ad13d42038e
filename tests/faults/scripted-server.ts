/**
 * A raw `ws` DWP peer whose frames a test scripts: it answers auth,
 * subscribe, unsubscribe, stats and job.get correctly, and sends whatever the
 * test wants around them. For fuzzing and hostile-input tests.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { decode, encode } from "@msgpack/msgpack";
import { type WebSocket, WebSocketServer } from "ws";
import { deferCleanup } from "./helpers.js";

export type Format = "json" | "msgpack";

/** One message as it goes on the wire. */
export type WireMessage = { text: string } | { binary: Uint8Array };

const utf8 = new TextEncoder();

/** A frame in the format, the way the Go server encodes it (msgpack `data` is a bin of JSON). */
export function encodeFrame(frame: Record<string, unknown>, format: Format): WireMessage {
  const ts = frame.ts ?? "2026-01-02T03:04:05.123456789Z";
  if (format === "json") return { text: JSON.stringify({ id: "s", ...frame, ts }) };
  const data = frame.data === undefined ? undefined : utf8.encode(JSON.stringify(frame.data));
  return {
    binary: encode(
      { id: "s", ...frame, data, ts: typeof ts === "string" ? new Date(ts) : ts },
      { ignoreUndefined: true },
    ),
  };
}

export interface Peer {
  readonly format: Format;
  send(message: WireMessage): void;
}

export interface ScriptedServer {
  url: string;
  /** Called once a socket is authenticated, after the auth answer went out. */
  afterAuth: (peer: Peer) => void;
  /** Called with a socket's first message, before the auth answer. */
  beforeAuth: (peer: Peer) => void;
  /** What `job.get` answers. */
  job: Record<string, unknown>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const server: ScriptedServer = { url: "", afterAuth: () => {}, beforeAuth: () => {}, job: {} };
  wss.on("connection", (socket: WebSocket) => {
    let format: Format | undefined;
    const peer = (f: Format): Peer => ({
      format: f,
      send: (m) => ("text" in m ? socket.send(m.text) : socket.send(m.binary, { binary: true })),
    });
    socket.on("message", (raw: Buffer, isBinary: boolean) => {
      let frame: Record<string, unknown>;
      try {
        frame = isBinary ? (decode(raw) as Record<string, unknown>) : JSON.parse(String(raw));
        if (frame.data instanceof Uint8Array) frame.data = JSON.parse(Buffer.from(frame.data).toString());
      } catch {
        return;
      }
      const data = (frame.data ?? {}) as Record<string, unknown>;
      const answer = (payload: unknown) =>
        peer(format ?? "json").send(
          encodeFrame({ type: "response", correl_id: frame.id, data: payload }, format ?? "json"),
        );
      if (frame.method === "auth") {
        const wanted: Format = data.format === "msgpack" ? "msgpack" : "json";
        server.beforeAuth(peer(wanted));
        format = wanted;
        answer({ format: wanted, session_id: `ws_${Date.now()}` });
        server.afterAuth(peer(wanted));
      } else if (frame.method === "subscribe" || frame.method === "unsubscribe") {
        answer({ ...data, status: `${frame.method}d` });
      } else if (frame.method === "stats") {
        answer({ ok: true });
      } else if (frame.method === "job.get") {
        answer(server.job);
      } else if (frame.type === "ping") {
        peer(format ?? "json").send(encodeFrame({ type: "pong", correl_id: frame.id }, format ?? "json"));
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  server.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/dwp`;
  deferCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  );
  return server;
}
