import { Decoder, decodeTimestampToTimeSpec, Encoder, EXT_TIMESTAMP, ExtensionCodec } from "@msgpack/msgpack";
import type { Frame } from "../protocol/frame.js";
import { assertFrame, type Codec, type OutboundFrame, type WireMessage } from "./codec.js";
import { jsonCodec } from "./json.js";

const utf8In = new TextDecoder();
const utf8Out = new TextEncoder();
// undefined fields must vanish: a nil `ts` (or any nil) crashes the Go decoder.
const encoder = new Encoder({ ignoreUndefined: true });
// A Date would cut the server's nanoseconds to milliseconds, so `ts` is read
// straight to the RFC 3339 string the same frame carries in JSON.
const timestamps = new ExtensionCodec();
timestamps.register({
  type: EXT_TIMESTAMP,
  encode: () => null,
  decode: (data) => rfc3339Nano(decodeTimestampToTimeSpec(data)),
});
const decoder = new Decoder({ extensionCodec: timestamps });

/** Go's RFC3339Nano in UTC: 0–9 fractional digits, trailing zeros trimmed. */
function rfc3339Nano({ sec, nsec }: ReturnType<typeof decodeTimestampToTimeSpec>): string {
  const date = new Date(sec * 1000);
  // Past Date's ±275,760 years there is no text for it; the frame still counts.
  if (Number.isNaN(date.getTime())) return "";
  const seconds = date.toISOString().slice(0, -5);
  const fraction = nsec === 0 ? "" : `.${String(nsec).padStart(9, "0").replace(/0+$/, "")}`;
  return `${seconds}${fraction}Z`;
}

function encode(frame: OutboundFrame): Uint8Array & { readonly buffer: ArrayBuffer } {
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
