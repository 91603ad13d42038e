import { isBytes } from "./bytes.js";

/**
 * `json.Marshal` output, byte for byte: compact, object keys in insertion
 * order (Go struct field order; callers sort keys themselves where Go marshals
 * a map), `<` `>` `&` escaped as `\u003c` `\u003e` `\u0026` and U+2028/U+2029
 * as `\u2028`/`\u2029` (Go's HTML-safe default), `[]byte` as base64.
 */

/** Already-encoded JSON, written as is (Go's json.RawMessage). */
export class RawJson {
  constructor(readonly text: string) {}
}

const HEX = "0123456789abcdef";

export function goQuoteJson(s: string): string {
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          esc = '\\"';
          break;
        case 0x5c:
          esc = "\\\\";
          break;
        case 0x0a:
          esc = "\\n";
          break;
        case 0x0d:
          esc = "\\r";
          break;
        case 0x09:
          esc = "\\t";
          break;
        case 0x08:
          esc = "\\b";
          break;
        case 0x0c:
          esc = "\\f";
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u${c.toString(16)}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Go sees invalid UTF-8 where JS has a lone surrogate, and writes U+FFFD.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = "\\ufffd";
    }
    if (esc !== undefined) {
      out += s.slice(run, i) + esc;
      run = i + 1;
    }
  }
  return `${out + s.slice(run)}"`;
}

/** strconv.FormatFloat(f, 'g'-ish, -1, 64) as encoding/json writes float64. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  const text = String(n);
  // JS writes 1e-7 / 1e+21; Go pads the exponent to two digits: 1e-07, 1e+21.
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

export function goMarshal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof RawJson) return value.text;
  switch (typeof value) {
    case "string":
      return goQuoteJson(value);
    case "number":
      return goFloat(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    default:
      break;
  }
  if (isBytes(value)) return `"${Buffer.from(value).toString("base64")}"`;
  if (Array.isArray(value)) return `[${value.map((v) => goMarshal(v)).join(",")}]`;
  if (typeof value === "object") {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      parts.push(`${goQuoteJson(k)}:${goMarshal(v)}`);
    }
    return `{${parts.join(",")}}`;
  }
  throw new Error(`json: unsupported type: ${typeof value}`);
}

export function goMarshalBytes(value: unknown): Uint8Array {
  return Buffer.from(goMarshal(value), "utf8");
}
