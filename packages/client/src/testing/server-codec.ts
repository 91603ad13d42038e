import { Decoder, Encoder } from "@msgpack/msgpack";
import type { Format } from "../codecs/codec.js";
import type { ErrorDetail, FrameType } from "../protocol/frame.js";

/**
 * A frame the client sent, as the mock decoded it. `data` is the request's
 * JSON value (an object for every DWP method); `ts` is an RFC 3339 string.
 */
export interface ClientFrame {
  id: string;
  type: FrameType;
  method?: string;
  token?: string;
  data?: Record<string, unknown>;
  channel?: string;
  credits?: number;
  ts?: string;
}

/** A frame the mock sends, in the Go server's shape. */
export interface ServerFrame {
  type: "response" | "error" | "event" | "pong";
  correl_id?: string;
  data?: unknown;
  error?: ErrorDetail;
  channel?: string;
  /** Defaults to now. */
  ts?: string;
}

const utf8In = new TextDecoder();
const utf8Out = new TextEncoder();
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();
let counter = 0;

/** The server's frame ids are timestamps and are not unique; ours need not be either. */
function frameId(): string {
  return `mock-${++counter}`;
}

/**
 * Encodes a server frame the way the Go server does: JSON text with keys in
 * envelope order and empty fields absent, or (after msgpack was negotiated) a
 * msgpack map whose `data` is a bin of JSON bytes and whose `ts` is a
 * timestamp. Msgpack goes out as a binary message (the Go server sends text,
 * which WebSocket clients reject; the client guards against that separately).
 */
export function encodeServerFrame(frame: ServerFrame, format: Format): string | Uint8Array {
  const ts = frame.ts ?? new Date().toISOString();
  const dataJson = frame.data === undefined ? undefined : JSON.stringify(frame.data);
  if (format === "msgpack") {
    return encoder.encode({
      id: frameId(),
      type: frame.type,
      correl_id: frame.correl_id,
      data: dataJson === undefined ? undefined : utf8Out.encode(dataJson),
      error: frame.error,
      channel: frame.channel,
      ts: new Date(ts),
    });
  }
  let out = `{"id":"${frameId()}","type":"${frame.type}"`;
  if (frame.correl_id !== undefined) out += `,"correl_id":${JSON.stringify(frame.correl_id)}`;
  if (dataJson !== undefined) out += `,"data":${dataJson}`;
  if (frame.error !== undefined) out += `,"error":${JSON.stringify(frame.error)}`;
  if (frame.channel !== undefined) out += `,"channel":${JSON.stringify(frame.channel)}`;
  return `${out},"ts":${JSON.stringify(ts)}}`;
}

/**
 * Decodes a message from the client: JSON text (or JSON bytes) in JSON mode,
 * a msgpack map in msgpack mode. Throws on anything that is not a frame.
 */
export function decodeClientFrame(message: unknown, format: Format): ClientFrame {
  let value: unknown;
  if (typeof message === "string") value = JSON.parse(message);
  else if (message instanceof ArrayBuffer || ArrayBuffer.isView(message)) {
    const bytes =
      message instanceof ArrayBuffer
        ? new Uint8Array(message)
        : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    value = format === "msgpack" ? fromMsgpack(bytes) : JSON.parse(utf8In.decode(bytes));
  } else {
    throw new TypeError("unsupported message type (send strings or bytes)");
  }
  if (typeof value !== "object" || value === null || typeof (value as { type?: unknown }).type !== "string") {
    throw new TypeError("message is not a frame");
  }
  return value as ClientFrame;
}

function fromMsgpack(bytes: Uint8Array): unknown {
  const frame = decoder.decode(bytes) as Record<string, unknown>;
  if (typeof frame !== "object" || frame === null) return frame;
  // The server holds `data` as raw JSON bytes; show tests its JSON value.
  if (frame.data instanceof Uint8Array) frame.data = JSON.parse(utf8In.decode(frame.data));
  else if (typeof frame.data === "string") frame.data = JSON.parse(frame.data);
  if (frame.ts instanceof Date) frame.ts = frame.ts.toISOString();
  return frame;
}
