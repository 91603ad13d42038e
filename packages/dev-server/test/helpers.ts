/** Test client over a real `ws` socket on loopback, with bounded waits. */
import { decode, ExtData, ExtensionCodec, encode } from "@msgpack/msgpack";
import WebSocket from "ws";
import { createDevServer, type DevServer, type DevServerOptions } from "../src/index.js";

export const TOKEN = "dk_test_all";
export const WAIT_MS = 3000;

export type Wire = Record<string, unknown>;

export function startServer(options: DevServerOptions = {}): Promise<DevServer> {
  return createDevServer({ tokens: { [TOKEN]: { scopes: ["*"] } }, ...options });
}

/** Keeps ext −1 raw so tests can compare timestamp bytes. */
const rawExt = new ExtensionCodec();
rawExt.register({
  type: -1,
  encode: () => null,
  decode: (data: Uint8Array) => new ExtData(-1, data.slice()),
});

export const TS_2026 = "2026-01-02T03:04:05.123456789Z";
/** 2026-01-02T03:04:05.123456789Z as the 8-byte msgpack timestamp. */
export const TS_2026_EXT = new ExtData(-1, Buffer.from("1d6f3454695735a5", "hex"));

export function msgpackFrame(fields: Wire): Buffer {
  return Buffer.from(encode(fields));
}

export function decodeMsgpack(buf: Uint8Array): Wire {
  const out = decode(buf, { extensionCodec: rawExt }) as Wire;
  if (out.data instanceof Uint8Array) out.data = JSON.parse(Buffer.from(out.data).toString("utf8"));
  return out;
}

export interface Message {
  data: Buffer;
  isBinary: boolean;
}

export class Client {
  readonly messages: Message[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  format: "json" | "msgpack" = "json";
  private seq = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.messages.push({ data, isBinary });
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    ws.on("error", () => {});
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new Client(ws);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  static async authed(
    server: DevServer,
    format: "json" | "msgpack" = "json",
    token = TOKEN,
  ): Promise<Client> {
    const client = await Client.open(server.url);
    const resp = await client.auth(token, format);
    if (resp.type !== "response") throw new Error(`auth failed: ${JSON.stringify(resp)}`);
    return client;
  }

  nextId(): string {
    return `req-${++this.seq}`;
  }

  /** Waits for a message, bounded by WAIT_MS. */
  async next(timeoutMs = WAIT_MS): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.shift();
      if (m !== undefined) return m;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error("socket closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a message");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  decodeMessage(m: Message): Wire {
    if (this.format === "msgpack" && (m.isBinary || m.data[0] !== 0x7b)) return decodeMsgpack(m.data);
    return JSON.parse(m.data.toString("utf8")) as Wire;
  }

  async nextFrame(timeoutMs = WAIT_MS): Promise<Wire> {
    return this.decodeMessage(await this.next(timeoutMs));
  }

  /** Next frame matching `pred`; others are kept in `skipped`. */
  async frameWhere(pred: (f: Wire) => boolean, skipped: Wire[] = [], timeoutMs = WAIT_MS): Promise<Wire> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 100_000; i++) {
      const f = await this.nextFrame(Math.max(1, deadline - Date.now()));
      if (pred(f)) return f;
      skipped.push(f);
    }
    throw new Error("too many frames");
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  sendBinary(buf: Uint8Array): void {
    this.ws.send(buf, { binary: true });
  }

  /** Sends a frame in the negotiated format (msgpack: data as bin of JSON, ts ext −1). */
  send(frame: Wire): void {
    if (this.format === "json") {
      this.sendText(JSON.stringify({ ts: TS_2026, ...frame }));
      return;
    }
    const out: Wire = { ...frame };
    if (out.data !== undefined) out.data = Buffer.from(JSON.stringify(out.data));
    out.ts = TS_2026_EXT;
    this.sendBinary(msgpackFrame(out));
  }

  async auth(token: string, format: "json" | "msgpack" | string = "json"): Promise<Wire> {
    this.sendText(
      JSON.stringify({ id: "auth-1", type: "request", method: "auth", data: { token, format }, ts: TS_2026 }),
    );
    if (format === "msgpack") this.format = "msgpack";
    return this.nextFrame();
  }

  /** Sends a request and waits for its answer; events seen meanwhile land in `events`. */
  async request(method: string, data?: unknown, events: Wire[] = []): Promise<Wire> {
    const id = this.nextId();
    const frame: Wire = { id, type: "request", method };
    if (data !== undefined) frame.data = data;
    this.send(frame);
    return this.frameWhere((f) => f.correl_id === id, events);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Waits until `check` passes, polling on the event loop; bounded in time. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setImmediate(r));
  }
}
