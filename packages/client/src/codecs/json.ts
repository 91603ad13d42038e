import { assertFrame, type Codec, type OutboundFrame, type WireMessage } from "./codec.js";

const utf8 = new TextDecoder();

/**
 * Writes the envelope by hand, in the Go server's key order, with the payload
 * spliced in as the JSON text the client already produced and validated.
 */
function encode(frame: OutboundFrame): string {
  let out = `{"id":${JSON.stringify(frame.id)},"type":"${frame.type}"`;
  if (frame.method !== undefined) out += `,"method":${JSON.stringify(frame.method)}`;
  if (frame.dataJson !== undefined) out += `,"data":${frame.dataJson}`;
  if (frame.channel !== undefined) out += `,"channel":${JSON.stringify(frame.channel)}`;
  if (frame.credits !== undefined) out += `,"credits":${frame.credits}`;
  return `${out},"ts":"${frame.ts.toISOString()}"}`;
}

function decode(message: WireMessage): ReturnType<Codec["decode"]> {
  // JSON may arrive as text or binary; the server accepts and may send either.
  const text = typeof message === "string" ? message : utf8.decode(message);
  return assertFrame(JSON.parse(text));
}

/**
 * The JSON codec: one compact text message per frame.
 *
 * @example
 * ```ts
 * const text = jsonCodec.encode({ id: "1", type: "ping", ts: new Date() });
 * jsonCodec.decode(text).type; // "ping"
 * ```
 */
export const jsonCodec: Codec = { format: "json", encode, decode };
