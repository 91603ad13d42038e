/**
 * The JSON frame codec: Go's encoding/json over `dwp.Frame`. Output is compact
 * with keys in struct order and empty fields omitted; input keys match
 * case-insensitively, and failures carry Go's error texts.
 */

import { isBytes } from "./bytes.js";
import { type ErrorDetail, FRAME_SCHEMA, type Frame, FrameDecodeError, type ServerCodec } from "./codec.js";
import { goQuoteJson } from "./go-json-encode.js";
import { GoJsonSyntaxError, scanJson } from "./go-json-scan.js";
import { decodeGoStruct, GoDecodeError, type GoStruct } from "./go-struct.js";
import { formatRFC3339Nano, type GoTime, ZERO_TIME } from "./go-time.js";

/**
 * Go's json.Compact as Marshal applies it to a RawMessage: whitespace outside
 * strings dropped, `<` `>` `&` and U+2028/U+2029 escaped, all else kept.
 */
export function compactJson(bytes: Uint8Array): string {
  const out: number[] = [];
  let inString = false;
  let escaped = false;
  const push = (s: string): void => {
    for (let k = 0; k < s.length; k++) out.push(s.charCodeAt(k));
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (!inString) {
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
      if (c === 0x22) inString = true;
      out.push(c);
      continue;
    }
    if (escaped) {
      escaped = false;
      out.push(c);
      continue;
    }
    if (c === 0x5c) escaped = true;
    else if (c === 0x22) inString = false;
    if (c === 0x3c) push("\\u003c");
    else if (c === 0x3e) push("\\u003e");
    else if (c === 0x26) push("\\u0026");
    else if (c === 0xe2 && bytes[i + 1] === 0x80 && (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9)) {
      push(bytes[i + 2] === 0xa8 ? "\\u2028" : "\\u2029");
      i += 2;
    } else out.push(c);
  }
  return Buffer.from(out).toString("utf8");
}

export function frameFromStruct(s: GoStruct): Frame {
  const str = (k: string): string => (typeof s[k] === "string" ? (s[k] as string) : "");
  const err = s.error as GoStruct | undefined;
  let error: ErrorDetail | undefined;
  if (err !== undefined) {
    error = {
      code: typeof err.code === "number" ? err.code : 0,
      message: typeof err.message === "string" ? err.message : "",
    };
    if (typeof err.details === "string" && err.details !== "") error.details = err.details;
  }
  return {
    id: str("id"),
    type: str("type"),
    method: str("method"),
    correl_id: str("correl_id"),
    token: str("token"),
    app_id: str("app_id"),
    org_id: str("org_id"),
    data: isBytes(s.data) ? s.data : undefined,
    error,
    channel: str("channel"),
    credits: typeof s.credits === "number" ? s.credits : 0,
    ts: (s.ts as GoTime | undefined) ?? ZERO_TIME,
  };
}

/** `json.Marshal(frame)`; `undefined` when Go's Time.MarshalJSON would fail. */
export function encodeFrameJson(f: Frame): string | undefined {
  const ts = formatRFC3339Nano(f.ts);
  if (ts === undefined) return undefined;
  let out = `{"id":${goQuoteJson(f.id)},"type":${goQuoteJson(f.type)}`;
  const str = (key: string, v: string): void => {
    if (v !== "") out += `,"${key}":${goQuoteJson(v)}`;
  };
  str("method", f.method);
  str("correl_id", f.correl_id);
  str("token", f.token);
  str("app_id", f.app_id);
  str("org_id", f.org_id);
  if (f.data !== undefined && f.data.length > 0) out += `,"data":${compactJson(f.data)}`;
  if (f.error !== undefined) {
    out += `,"error":{"code":${f.error.code},"message":${goQuoteJson(f.error.message)}`;
    if (f.error.details) out += `,"details":${goQuoteJson(f.error.details)}`;
    out += "}";
  }
  str("channel", f.channel);
  if (f.credits !== 0) out += `,"credits":${f.credits}`;
  return `${out},"ts":"${ts}"}`;
}

/** `json.Unmarshal(bytes, &frame)`; throws FrameDecodeError with Go's text. */
export function decodeFrameJson(bytes: Uint8Array, firstValueOnly = false): Frame {
  try {
    return frameFromStruct(decodeGoStruct(scanJson(bytes, firstValueOnly), bytes, FRAME_SCHEMA));
  } catch (err) {
    if (err instanceof GoJsonSyntaxError || err instanceof GoDecodeError)
      throw new FrameDecodeError(err.message);
    throw err;
  }
}

export const jsonCodec: ServerCodec = {
  name: "json",
  encode(frame) {
    const text = encodeFrameJson(frame);
    return text === undefined ? undefined : Buffer.from(text, "utf8");
  },
  decode: (bytes) => decodeFrameJson(bytes),
};
