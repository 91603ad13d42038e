/**
 * The msgpack frame codec, matching vmihailenco/msgpack v5 on `dwp.Frame`:
 * a map in struct order with empty fields omitted, `data` as bin holding the
 * JSON bytes (Go keeps it as json.RawMessage), `ts` as timestamp ext −1 with
 * nanoseconds. Input keys are case-sensitive.
 */
import { Encoder, ExtData } from "@msgpack/msgpack";
import { emptyFrame } from "../frames.js";
import {
  type ErrorDetail,
  type Frame,
  FrameDecodeError,
  FrameDecodePanic,
  type ServerCodec,
} from "./codec.js";
import { decodeTimeSpec, encodeTimeSpec, type GoTime, ZERO_TIME } from "./go-time.js";
import { MsgpackError, MsgpackReader } from "./msgpack-reader.js";

const encoder = new Encoder();

export function encodeFrameMsgpack(f: Frame): Uint8Array {
  const m: Record<string, unknown> = { id: f.id, type: f.type };
  if (f.method !== "") m.method = f.method;
  if (f.correl_id !== "") m.correl_id = f.correl_id;
  if (f.token !== "") m.token = f.token;
  if (f.app_id !== "") m.app_id = f.app_id;
  if (f.org_id !== "") m.org_id = f.org_id;
  if (f.data !== undefined && f.data.length > 0) m.data = f.data;
  if (f.error !== undefined) {
    const e: Record<string, unknown> = { code: f.error.code, message: f.error.message };
    if (f.error.details) e.details = f.error.details;
    m.error = e;
  }
  if (f.channel !== "") m.channel = f.channel;
  if (f.credits !== 0) m.credits = f.credits;
  m.ts = new ExtData(-1, encodeTimeSpec(f.ts));
  return encoder.encode(m);
}

function decodeTime(r: MsgpackReader): GoTime {
  // A nil ts reaches reflect's IsNil on a struct in the Go decoder: a panic
  // that takes the connection down without a reply.
  if (r.peek() === 0xc0) throw new FrameDecodePanic("msgpack: nil ts (Go decoder panics)");
  const [type, len] = r.extHeader(r.code());
  if (type !== -1) throw new MsgpackError(`msgpack: got ext type=${type}, wanted -1`);
  const t = decodeTimeSpec(r.readN(len));
  if (t === undefined) throw new MsgpackError(`msgpack: invalid ext len=${len} decoding time`);
  return t;
}

function decodeErrorDetail(r: MsgpackReader): ErrorDetail | undefined {
  if (r.peek() === 0xc0) {
    r.code();
    return undefined;
  }
  const e: ErrorDetail = { code: 0, message: "" };
  const fields: Record<string, () => void> = {
    code: () => {
      e.code = r.int64();
    },
    message: () => {
      e.message = r.string();
    },
    details: () => {
      const d = r.string();
      if (d !== "") e.details = d;
      else delete e.details;
    },
  };
  decodeStruct(r, fields, ["code", "message", "details"]);
  return e;
}

/** decodeStructValue: a map by key, or an array holding every field in order. */
function decodeStruct(r: MsgpackReader, fields: Record<string, () => void>, order: string[]): boolean {
  const c = r.code();
  const n = r.mapLen(c);
  if (n !== undefined) {
    if (n === -1) return false;
    for (let k = 0; k < n; k++) {
      const key = r.string();
      const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (field !== undefined) field();
      else r.skip();
    }
    return true;
  }
  const a = r.arrayLen(c);
  if (a === undefined)
    throw new MsgpackError(`msgpack: unexpected code=${c.toString(16)} decoding map length`);
  if (a <= 0) return false;
  if (a !== order.length)
    throw new MsgpackError("msgpack: number of fields in array-encoded struct has changed");
  for (const key of order) fields[key]!();
  return true;
}

export function decodeFrameMsgpack(bytes: Uint8Array): Frame {
  const r = new MsgpackReader(bytes);
  const f = emptyFrame();
  const str =
    (key: "id" | "type" | "method" | "correl_id" | "token" | "app_id" | "org_id" | "channel") => () => {
      f[key] = r.string();
    };
  const fields: Record<string, () => void> = {
    id: str("id"),
    type: str("type"),
    method: str("method"),
    correl_id: str("correl_id"),
    token: str("token"),
    app_id: str("app_id"),
    org_id: str("org_id"),
    data: () => {
      f.data = r.bytes();
    },
    error: () => {
      f.error = decodeErrorDetail(r);
    },
    channel: str("channel"),
    credits: () => {
      f.credits = r.int64();
    },
    ts: () => {
      f.ts = decodeTime(r);
    },
  };
  try {
    if (!decodeStruct(r, fields, Object.keys(fields))) return { ...emptyFrame(), ts: ZERO_TIME };
  } catch (err) {
    if (err instanceof MsgpackError) throw new FrameDecodeError(err.message);
    throw err;
  }
  return f;
}

export function createMsgpackCodec(): ServerCodec {
  return { name: "msgpack", encode: encodeFrameMsgpack, decode: decodeFrameMsgpack };
}

export const msgpackCodec: ServerCodec = createMsgpackCodec();
