/**
 * TypeIDs as the Go server mints them (go.jetify.com/typeid/v2 wrapped by
 * dispatch's `id` package): `<prefix>_<26 chars>`, the suffix being a UUIDv7
 * in lowercase Crockford base32. Parse errors reproduce the Go messages so the
 * transport can answer `invalid job ID: <message>` word for word.
 */
import { goQuote, goQuoteRune } from "./go-quote.js";

/** Prefixes the dev server mints. */
export type TypeIdPrefix = "job" | "wfrun" | "evt" | "ckpt";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const ZERO_SUFFIX = "0".repeat(26);

/** A TypeID that failed to parse; `message` is the Go error text. */
export class TypeIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TypeIdError";
  }
}

let lastMs = -1;
let sequence = 0;

/**
 * Builds UUIDv7 bytes. Within one millisecond the 12-bit `rand_a` field counts
 * up, so ids stay K-sortable: the Go timeline breaks created_at ties by id.
 */
function uuidV7(): Uint8Array {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let ms = Date.now();
  if (ms === lastMs && sequence < 0xfff) {
    sequence += 1;
  } else {
    sequence = (bytes[6]! & 0x07) << 8; // random start, leaving room to count
  }
  lastMs = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return bytes;
}

function encodeBase32(bytes: Uint8Array): string {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

/** Mints a new TypeID, e.g. `job_01jh…`. */
export function newTypeId(prefix: TypeIdPrefix): string {
  return `${prefix}_${encodeBase32(uuidV7())}`;
}

// Returns the typeid library's message (without "typeid: ") or undefined.
function validate(prefix: string, suffix: string): string | undefined {
  const prefixBytes = new TextEncoder().encode(prefix).length;
  if (prefixBytes > 63) return `prefix length must be <= 63, got ${prefixBytes} for ${goQuote(prefix)}`;
  if (prefix.startsWith("_")) return `prefix cannot start with underscore, got ${goQuote(prefix)}`;
  if (prefix.endsWith("_")) return `prefix cannot end with underscore, got ${goQuote(prefix)}`;
  for (const char of prefix) {
    if ((char < "a" || char > "z") && char !== "_") {
      return `prefix must contain only [a-z_], found ${goQuoteRune(char.codePointAt(0) ?? 0)} in ${goQuote(prefix)}`;
    }
  }
  if (suffix === "") return "suffix cannot be empty";
  // Go indexes bytes, so lengths and offsets are UTF-8 byte counts.
  const bytes = new TextEncoder().encode(suffix);
  if (bytes.length !== 26) return `suffix length must be 26, got ${bytes.length}`;
  if (bytes[0]! > 0x37) return `suffix must start with 0-7, got ${goQuoteRune(bytes[0]!)}`;
  const bad = bytes.findIndex((b) => !ALPHABET.includes(String.fromCharCode(b)));
  if (bad !== -1) return `invalid suffix encoding: illegal base32 data at offset ${bad}`;
  return undefined;
}

/**
 * Parses a TypeID and checks its prefix, as dispatch's `id.ParseWithPrefix`.
 * @throws TypeIdError with Go's message, e.g.
 *   `id: parse "job_x": typeid: suffix length must be 26, got 1` or
 *   `id: expected prefix "job", got "wfrun"`.
 */
export function parseTypeId(s: string, expected: TypeIdPrefix): { prefix: string; suffix: string } {
  if (s === "") throw new TypeIdError(`id: parse ${goQuote(s)}: empty string`);
  const sep = s.lastIndexOf("_");
  const prefix = sep === -1 ? "" : s.slice(0, sep);
  const suffix = sep === -1 ? s : s.slice(sep + 1);
  const problem =
    sep === 0 ? 'prefix cannot be empty when separator "_" is present' : validate(prefix, suffix);
  if (problem !== undefined) throw new TypeIdError(`id: parse ${goQuote(s)}: typeid: ${problem}`);
  // A bare all-zero suffix is typeid's zero value: it parses, with prefix "".
  const actual = prefix === "" && suffix === ZERO_SUFFIX ? "" : prefix;
  if (actual !== expected) {
    throw new TypeIdError(`id: expected prefix ${goQuote(expected)}, got ${goQuote(actual)}`);
  }
  return { prefix, suffix };
}

/**
 * `parseTypeId` without the throw: the Go error message, or `undefined` when
 * `s` is a valid id with the expected prefix.
 */
export function typeIdError(s: string, expected: TypeIdPrefix): string | undefined {
  try {
    parseTypeId(s, expected);
    return undefined;
  } catch (err) {
    if (err instanceof TypeIdError) return err.message;
    throw err;
  }
}
