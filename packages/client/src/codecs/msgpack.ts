import { Decoder, Encoder } from "@msgpack/msgpack";
import type { Frame } from "../protocol/frame.js";
import { assertFrame, type Codec, type OutboundFrame, type WireMessage } from "./codec.js";
import { jsonCodec } from "./json.js";

const utf8In = new TextDecoder();
const utf8Out = new TextEncoder();
// undefined fields must vanish: a nil `ts` (or any nil) crashes the Go decoder.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

function encode(frame: OutboundFrame): Uint8Array {
  // Key order follows the Go struct; `data` is a bin of JSON bytes because the
  // server holds it as raw JSON (a msgpack map there answers 400); `ts` is a
  // Date, which the encoder writes as timestamp ext -1, the only form accepted.
  return encoder.encode({
    id: frame.id,
    type: frame.type,
    method: frame.method,
    data: frame.dataJson === undefined ? undefined : utf8Out.encode(frame.dataJson),
    channel: frame.channel,
    credits: frame.credits,
    ts: frame.ts,
  });
}

function decode(message: WireMessage): Frame {
  // Auth failures are always JSON text, whatever format was asked for.
  if (typeof message === "string") return jsonCodec.decode(message);
  const frame = assertFrame(decoder.decode(message));
  const data: unknown = frame.data;
  if (data instanceof Uint8Array) frame.data = JSON.parse(utf8In.decode(data));
  else if (typeof data === "string") frame.data = JSON.parse(data);
  const ts: unknown = frame.ts;
  if (ts instanceof Date) frame.ts = ts.toISOString();
  return frame;
}

/**
 * The msgpack codec, as DWP defines it: binary messages, `data` as a bin
 * holding JSON, `ts` as a timestamp extension. Loaded only when a client asks
 * for `format: "msgpack"`, so JSON-only users never download it.
 *
 * @example
 * ```ts
 * import { msgpackCodec } from "@dispatch/client/msgpack";
 * const bytes = msgpackCodec.encode({ id: "1", type: "ping", ts: new Date() });
 * ```
 */
export const msgpackCodec: Codec = { format: "msgpack", encode, decode };
