/** Frame types of the Dispatch Wire Protocol. */
export type FrameType = "request" | "response" | "error" | "event" | "ping" | "pong";

/** `error` of an error frame. */
export interface ErrorDetail {
  code: number;
  message: string;
  details?: string;
}

/**
 * One DWP message, after decoding. `data` is the JSON value of the payload
 * in both codecs (msgpack carries it as a bin of JSON bytes).
 */
export interface Frame {
  id: string;
  type: FrameType;
  method?: string;
  correl_id?: string;
  token?: string;
  app_id?: string;
  org_id?: string;
  data?: unknown;
  error?: ErrorDetail;
  channel?: string;
  credits?: number;
  /** RFC 3339 string once decoded; always sent, because a nil `ts` crashes the Go msgpack decoder. */
  ts: string;
}

/** Envelope key order used by the Go server; both codecs write keys in it. */
export const FRAME_KEYS = [
  "id",
  "type",
  "method",
  "correl_id",
  "token",
  "app_id",
  "org_id",
  "data",
  "error",
  "channel",
  "credits",
  "ts",
] as const;

/**
 * The largest message the client sends. The server reads each WebSocket
 * message through a 1 MiB limited reader that counts the frame header too (14
 * bytes for a large masked client frame) and drops the connection past it.
 *
 * @example
 * ```ts
 * if (new TextEncoder().encode(JSON.stringify(payload)).length > MAX_FRAME_BYTES / 2) upload(payload);
 * ```
 */
export const MAX_FRAME_BYTES = (1 << 20) - 14;

/**
 * UTF-8 byte length for the size check on every frame, without allocating
 * for the usual small frame: one that fits at 3 bytes per UTF-16 unit gets its
 * UTF-16 length, under the limit either way.
 */
export function utf8Length(text: string): number {
  if (text.length * 3 <= MAX_FRAME_BYTES) return text.length;
  return new TextEncoder().encode(text).byteLength;
}
