import type { Frame } from "../protocol/frame.js";

/** The wire formats the server negotiates. */
export type Format = "json" | "msgpack";

/**
 * A frame on its way out. `dataJson` is the payload already serialised to
 * JSON text: both codecs need it as JSON (msgpack carries it as a bin of
 * those bytes), and serialising once lets the client validate it first.
 */
export interface OutboundFrame {
  id: string;
  type: "request" | "ping";
  method?: string;
  dataJson?: string | undefined;
  channel?: string;
  credits?: number;
  ts: Date;
}

/** A message as a WebSocket delivers it (`binaryType = "arraybuffer"`). */
export type WireMessage = string | ArrayBuffer | Uint8Array;

/**
 * Turns frames into socket messages and back. `decode` throws on anything
 * that is not a frame; the connection logs and ignores such messages.
 */
export interface Codec {
  readonly format: Format;
  /**
   * Bytes over a plain `ArrayBuffer`, not any `Uint8Array`: since TypeScript
   * 6.0 the DOM's `WebSocket#send` takes only those (a view of a
   * `SharedArrayBuffer` cannot be sent).
   */
  encode(frame: OutboundFrame): string | (Uint8Array & { readonly buffer: ArrayBuffer });
  decode(message: WireMessage): Frame;
}

/** Checks the envelope shape shared by both codecs. */
export function assertFrame(value: unknown): Frame {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("message is not a frame object");
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string") throw new TypeError("frame has no type");
  return value as Frame;
}
