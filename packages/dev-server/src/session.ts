/**
 * One WebSocket connection, as the Go server's handleWebSocket: a JSON auth
 * handshake, then a loop that handles one frame at a time (a slow handler such
 * as `workflow.start` holds up every later frame on the socket, pings
 * included) while broker events are written as they come.
 */
import { isUtf8 } from "node:buffer";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { type Authenticator, hasScope, type Identity, requiredScope } from "./auth.js";
import type { Broker, Subscriber } from "./broker.js";
import { type Frame, FrameDecodeError, FrameDecodePanic, type ServerCodec } from "./codecs/codec.js";
import { clockNanos } from "./codecs/go-time.js";
import { decodeFrameJson, jsonCodec } from "./codecs/json-codec.js";
import { msgpackCodec } from "./codecs/msgpack-codec.js";
import { decodeRequest } from "./codecs/request-decoder.js";
import type { StreamEvent } from "./engine/types.js";
import { emptyFrame, errorFrame, eventFrame, generateFrameId, responseFrame } from "./frames.js";
import type { Handle } from "./handlers.js";

export interface SessionOptions {
  broker: Broker;
  handle: Handle;
  authenticate: Authenticator;
  /** Send msgpack frames as TEXT messages, as the Go server does. */
  msgpackAsText: boolean;
  /** True once `silence()` has frozen this socket. */
  isSilenced(socket: Socket): boolean;
}

/** A text message that is not UTF-8, queued in its place. */
const INVALID_TEXT = Symbol("invalid text message");

/** forge's connection ids: `ws_<unix nanos>`. The clock never repeats, so neither do they. */
function newSessionId(): string {
  return `ws_${clockNanos()}`;
}

export class Session {
  private readonly queue: Array<Buffer | typeof INVALID_TEXT> = [];
  private running = false;
  private codec: ServerCodec | undefined;
  private identity: Identity | undefined;
  private subscriber: Subscriber | undefined;
  private readonly id = newSessionId();
  private closed = false;
  /** The client closed; what it sent before is still handled, as Go's read loop does. */
  private readEnded = false;
  /**
   * The upgrade request's context, which every frame's handler gets (runs a
   * `workflow.start` spawns keep it): net/http cancels it only when the
   * hijacked handler returns, i.e. when the read loop ends.
   */
  private readonly context = new AbortController();

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly opts: SessionOptions,
  ) {
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      // ws may parse more messages from the same chunk after a fatal one.
      if (this.closed) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      // gobwas/ws checks text messages for UTF-8 as it reads them; the read
      // error ends the handler, which drops the TCP connection (no close frame).
      this.queue.push(isBinary || isUtf8(bytes) ? bytes : INVALID_TEXT);
      void this.pump();
    });
    ws.on("close", () => {
      // Go's read loop goes on reading what arrived before the close (a slow
      // request's followers run later, their answers lost), then cleans up.
      this.readEnded = true;
      if (!this.running) this.dispose();
    });
    // A read error (an oversize message) is where Go's read loop would stop
    // too, but only once the request it is running has returned: like a close.
    ws.on("error", () => {
      this.readEnded = true;
      if (!this.running) this.dispose();
    });
  }

  private dispose(): void {
    this.context.abort();
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (this.subscriber !== undefined) this.opts.broker.removeSubscriber(this.id);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next !== undefined && !this.closed; next = this.queue.shift()) {
        if (next === INVALID_TEXT) {
          this.dispose();
          this.socket.destroy();
          break;
        }
        try {
          if (this.codec === undefined) this.authenticate(next);
          else await this.handleFrame(next, this.codec);
        } catch (err) {
          // Never let one connection's bad input take the server down.
          console.error("dispatch dev-server: connection error", err);
          this.ws.terminate();
        }
      }
    } finally {
      this.running = false;
      if (this.readEnded) this.dispose();
    }
  }

  /** Writes a frame; `done` runs when it has left the process (never, once silenced). */
  private write(frame: Frame, codec: ServerCodec, done?: () => void): void {
    if (this.opts.isSilenced(this.socket) || this.ws.readyState !== this.ws.OPEN) return;
    const bytes = codec.encode(frame);
    // Go's encoder failed (ts year out of range): it logs and writes nothing.
    if (bytes === undefined) {
      done?.();
      return;
    }
    const binary = codec.name === "msgpack" && !this.opts.msgpackAsText;
    this.ws.send(bytes, { binary }, () => done?.());
    // The kernel took it at once: Go's forwarder goroutine would have drained
    // it from the 256-event channel by now, however many frames this turn
    // handles. Only a socket that backs up (a reader that stopped) holds slots.
    if (this.ws.bufferedAmount === 0) done?.();
  }

  /** An auth failure: a JSON text error frame, then a TCP close with no close frame. */
  private reject(frame: Frame): void {
    this.closed = true;
    if (this.opts.isSilenced(this.socket)) return;
    const bytes = jsonCodec.encode(frame);
    if (bytes === undefined) {
      this.ws.terminate();
      return;
    }
    this.ws.send(bytes, { binary: false }, () => this.ws.terminate());
  }

  private authenticate(bytes: Buffer): void {
    let auth: Frame;
    try {
      // The auth frame is always JSON, whatever format it asks for.
      auth = decodeFrameJson(bytes);
    } catch {
      return this.reject(errorFrame("", 400, "invalid auth frame"));
    }
    if (auth.method !== "auth") return this.reject(errorFrame(auth.id, 400, "first frame must be auth"));
    let token = "";
    let format = "";
    if (auth.data !== undefined && auth.data.length > 0) {
      try {
        const req = decodeRequest(auth.data, "auth");
        token = req.str("token");
        format = req.str("format");
      } catch {
        return this.reject(errorFrame(auth.id, 400, "invalid auth data"));
      }
    }
    if (token === "") token = auth.token;
    const identity = this.opts.authenticate(token);
    if (identity === undefined) return this.reject(errorFrame(auth.id, 401, "authentication failed"));
    // Only the exact string "msgpack" selects msgpack; anything else is JSON.
    const codec = format === "msgpack" ? msgpackCodec : jsonCodec;
    this.identity = identity;
    this.codec = codec;
    this.write(responseFrame(auth.id, { format: codec.name, session_id: this.id }), codec);
    this.subscriber = this.opts.broker.subscribe(this.id, (event, done) => this.forward(event, done));
  }

  private forward(event: StreamEvent, done: () => void): void {
    if (this.codec === undefined || this.closed) return done();
    const frame = eventFrame(event.topic, {
      type: event.type,
      ts: event.ts,
      topic: event.topic,
      data: event.data,
    });
    this.write(frame, this.codec, done);
  }

  private async handleFrame(bytes: Buffer, codec: ServerCodec): Promise<void> {
    const identity = this.identity!;
    let frame: Frame;
    try {
      frame = codec.decode(bytes);
    } catch (err) {
      if (err instanceof FrameDecodePanic) {
        // The panic unwinds the handler: its deferred cleanup runs and
        // net/http cancels the request's context.
        this.dispose();
        this.ws.terminate();
        return;
      }
      if (err instanceof FrameDecodeError) {
        this.write(errorFrame("", 400, `invalid frame: ${err.message}`), codec);
        return;
      }
      throw err;
    }
    if (frame.type === "ping") {
      // The pong carries the ping's own ts (the zero time when it had none).
      const pong = {
        ...emptyFrame(),
        id: generateFrameId(),
        type: "pong",
        correl_id: frame.id,
        ts: frame.ts,
      };
      this.write(pong, codec);
      return;
    }
    if (frame.method !== "") {
      const scope = requiredScope(frame.method);
      if (scope !== "" && !hasScope(identity, scope)) {
        this.write(errorFrame(frame.id, 403, "insufficient permissions"), codec);
        return;
      }
    }
    if (frame.credits > 0) {
      // Consumed entirely, even when the frame also names a method.
      this.subscriber?.addCredits(frame.credits);
      return;
    }
    const resp = await this.opts.handle(frame, identity, this.context.signal);
    if (resp === undefined) return;
    if (resp.type === "response" && (frame.method === "subscribe" || frame.method === "unsubscribe")) {
      try {
        const channel = decodeRequest(frame.data, frame.method).str("channel");
        if (frame.method === "subscribe") this.opts.broker.subscribeTo(this.id, channel);
        else this.opts.broker.unsubscribe(this.id, channel);
      } catch {
        // Go skips the side effect when the data does not decode.
      }
    }
    this.write(resp, codec);
  }
}
