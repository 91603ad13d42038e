/**
 * The DWP frame envelope as the Go server holds it (`dwp.Frame`), and the
 * codec contract. Zero values stand for absent fields, exactly as Go's zero
 * values do: an empty string, 0 credits, no data, the zero time.
 */

import type { StructSchema } from "./go-struct.js";
import type { GoTime } from "./go-time.js";

export interface ErrorDetail {
  code: number;
  message: string;
  details?: string;
}

export interface Frame {
  id: string;
  type: string;
  method: string;
  correl_id: string;
  token: string;
  app_id: string;
  org_id: string;
  /** Raw JSON bytes (Go json.RawMessage); `undefined` when absent or nil. */
  data: Uint8Array | undefined;
  error: ErrorDetail | undefined;
  channel: string;
  credits: number;
  ts: GoTime;
}

/** Thrown by `decode` with the Go decoder's error text. */
export class FrameDecodeError extends Error {}

/**
 * Thrown by `decode` where the Go decoder panics (a nil msgpack `ts`): the Go
 * server then loses the connection without answering.
 */
export class FrameDecodePanic extends Error {}

export interface ServerCodec {
  /** `json` or `msgpack`: the name the auth response reports. */
  readonly name: "json" | "msgpack";
  /**
   * Encodes a frame. `undefined` when Go's encoder would fail (a ts year
   * outside [0, 9999] in JSON): the Go server then writes nothing.
   */
  encode(frame: Frame): Uint8Array | undefined;
  /** @throws FrameDecodeError | FrameDecodePanic */
  decode(bytes: Uint8Array): Frame;
}

export const ERROR_DETAIL_SCHEMA: StructSchema = {
  goName: "ErrorDetail",
  goType: "dwp.ErrorDetail",
  fields: [
    { name: "code", kind: "int", goType: "int" },
    { name: "message", kind: "string", goType: "string" },
    { name: "details", kind: "string", goType: "string" },
  ],
};

/** `dwp.Frame`, field order = JSON key order. */
export const FRAME_SCHEMA: StructSchema = {
  goName: "Frame",
  goType: "dwp.Frame",
  fields: [
    { name: "id", kind: "string", goType: "string" },
    { name: "type", kind: "string", goType: "dwp.FrameType" },
    { name: "method", kind: "string", goType: "string" },
    { name: "correl_id", kind: "string", goType: "string" },
    { name: "token", kind: "string", goType: "string" },
    { name: "app_id", kind: "string", goType: "string" },
    { name: "org_id", kind: "string", goType: "string" },
    { name: "data", kind: "raw", goType: "json.RawMessage" },
    { name: "error", kind: ERROR_DETAIL_SCHEMA, goType: "*dwp.ErrorDetail" },
    { name: "channel", kind: "string", goType: "string" },
    { name: "credits", kind: "int", goType: "int" },
    { name: "ts", kind: "time", goType: "time.Time" },
  ],
};
