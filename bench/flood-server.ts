import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decode, encode } from "@msgpack/msgpack";
import { type WebSocket, WebSocketServer } from "ws";

/** A minimal DWP peer for measurements: it authenticates, acknowledges subscriptions, and floods on demand. */
export interface FloodServer {
  url: string;
  /** Sends `count` event frames to every authenticated socket, corked in batches. */
  flood(count: number): void;
  /** When set, the flood starts in the same tick as the subscribe acknowledgement. */
  floodOnSubscribe: number;
  close(): Promise<void>;
}

const utf8 = new TextEncoder();

function eventFrame(i: number): { json: string; msgpack: Uint8Array } {
  const topic = `job:job_01kdypyph5e00800000000${String(i % 10_000).padStart(4, "0")}`;
  const event = {
    type: "job.completed",
    ts: "2026-01-02T03:04:05.123456789Z",
    topic,
    data: { job_id: topic.slice(4), job_name: "send-email", queue: "default", elapsed_ms: 12 },
  };
  const id = "20260102030405.123456789";
  const ts = "2026-01-02T03:04:05.123456789Z";
  return {
    json: JSON.stringify({ id, type: "event", data: event, channel: topic, ts }),
    msgpack: encode({
      id,
      type: "event",
      data: utf8.encode(JSON.stringify(event)),
      channel: topic,
      ts: new Date(ts),
    }),
  };
}

/** Pre-encoded frames, so the server's own cost stays out of the figures. */
const FRAMES = Array.from({ length: 64 }, (_, i) => eventFrame(i));

export async function startFloodServer(): Promise<FloodServer> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http });
  const sockets = new Map<WebSocket, "json" | "msgpack">();
  const server: FloodServer = {
    url: "",
    floodOnSubscribe: 0,
    flood(count) {
      for (const [socket, format] of sockets) send(socket, format, count);
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets.keys()) socket.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
  const send = (socket: WebSocket, format: "json" | "msgpack", count: number) => {
    const raw = (socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    for (let i = 0; i < count; i += 512) {
      raw.cork();
      for (let j = i; j < Math.min(count, i + 512); j++) {
        const frame = FRAMES[j % FRAMES.length] as { json: string; msgpack: Uint8Array };
        socket.send(format === "json" ? frame.json : frame.msgpack, { binary: format === "msgpack" });
      }
      raw.uncork();
    }
  };
  const reply = (socket: WebSocket, format: "json" | "msgpack", frame: Record<string, unknown>) => {
    const ts = new Date();
    if (format === "json") socket.send(JSON.stringify({ ...frame, ts: ts.toISOString() }));
    else
      socket.send(encode({ ...frame, data: utf8.encode(JSON.stringify(frame.data)), ts }), { binary: true });
  };
  wss.on("connection", (socket) => {
    socket.on("message", (raw, isBinary) => {
      const format = sockets.get(socket);
      // Only auth (JSON text) and requests matter; credits frames are ignored.
      let frame: Record<string, unknown>;
      try {
        frame = isBinary
          ? (decodeMsgpack(raw as Buffer) as Record<string, unknown>)
          : JSON.parse(String(raw));
      } catch {
        return;
      }
      if (frame.method === "auth") {
        const wanted = (frame.data as { format?: string }).format === "msgpack" ? "msgpack" : "json";
        sockets.set(socket, wanted);
        reply(socket, wanted, {
          id: "s",
          type: "response",
          correl_id: frame.id,
          data: { format: wanted, session_id: "ws_bench" },
        });
      } else if (format && frame.method === "unsubscribe") {
        reply(socket, format, {
          id: "s",
          type: "response",
          correl_id: frame.id,
          data: { ...(frame.data as object), status: "unsubscribed" },
        });
      } else if (format && frame.method === "subscribe") {
        reply(socket, format, {
          id: "s",
          type: "response",
          correl_id: frame.id,
          data: { ...(frame.data as object), status: "subscribed" },
        });
        if (server.floodOnSubscribe > 0) send(socket, format, server.floodOnSubscribe);
      }
    });
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  server.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/dwp`;
  return server;
}

function decodeMsgpack(buf: Buffer): unknown {
  const frame = decode(buf) as Record<string, unknown>;
  if (frame.data instanceof Uint8Array) frame.data = JSON.parse(Buffer.from(frame.data).toString());
  return frame;
}
