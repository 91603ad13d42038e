/**
 * A JSON reader that fails like Go's encoding/json. Go checks the whole input
 * for syntax before decoding anything, so a syntax error always wins over a
 * type error, and its texts (`invalid character 'x' looking for beginning of
 * value`, `unexpected end of JSON input`) reach clients verbatim inside
 * `invalid frame: …` / `invalid request: …`. Nodes keep their byte span
 * because Go's json.RawMessage fields (`data`, `payload`, `input`) take the
 * value's bytes as written.
 */

export type JsonNode =
  | { kind: "string"; value: string; start: number; end: number }
  | { kind: "number"; raw: string; start: number; end: number }
  | { kind: "bool"; value: boolean; start: number; end: number }
  | { kind: "null"; start: number; end: number }
  | { kind: "array"; items: JsonNode[]; start: number; end: number }
  | { kind: "object"; members: Array<{ key: string; value: JsonNode }>; start: number; end: number };

export class GoJsonSyntaxError extends Error {}

// Go's scanner allows 10,000 nested values before "exceeded max depth".
const MAX_DEPTH = 10000;

function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const ch = String.fromCodePoint(c);
  const json = JSON.stringify(ch);
  // strconv.Quote spellings for the control characters JSON.stringify renders differently.
  const special: Record<number, string> = { 7: "\\a", 11: "\\v", 127: "\\x7f" };
  const body =
    special[c] ??
    (c < 0x20 && json.startsWith('"\\u') ? `\\x${c.toString(16).padStart(2, "0")}` : json.slice(1, -1));
  return `'${body}'`;
}

const SHORT_ESCAPES: Record<number, string> = {
  34: '"',
  92: "\\",
  47: "/",
  98: "\b",
  102: "\f",
  110: "\n",
  114: "\r",
  116: "\t",
};

const decoder = new TextDecoder("utf-8", { fatal: false });

class Scanner {
  i = 0;
  constructor(readonly b: Uint8Array) {}

  fail(context: string): never {
    if (this.i >= this.b.length) throw new GoJsonSyntaxError("unexpected end of JSON input");
    throw new GoJsonSyntaxError(`invalid character ${quoteChar(this.b[this.i]!)} ${context}`);
  }

  ws(): void {
    const b = this.b;
    while (this.i < b.length) {
      const c = b[this.i]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.i++;
    }
  }

  /**
   * Parses one value with an explicit stack (no recursion): a 1 MiB message
   * can nest deeper than the JS call stack allows, and Go's limit is 10,000.
   */
  value(): JsonNode {
    type Open =
      | { kind: "array"; items: JsonNode[]; start: number }
      | { kind: "object"; members: Array<{ key: string; value: JsonNode }>; start: number; key: string };
    const stack: Open[] = [];
    for (;;) {
      // Expecting a value.
      this.ws();
      const start = this.i;
      const c = this.b[this.i];
      let done: JsonNode | undefined;
      if (c === 0x7b || c === 0x5b) {
        if (stack.length + 1 > MAX_DEPTH) this.fail("exceeded max depth");
        this.i++;
        this.ws();
        if (c === 0x5b) {
          if (this.b[this.i] === 0x5d) {
            this.i++;
            done = { kind: "array", items: [], start, end: this.i };
          } else {
            stack.push({ kind: "array", items: [], start });
            continue;
          }
        } else if (this.b[this.i] === 0x7d) {
          this.i++;
          done = { kind: "object", members: [], start, end: this.i };
        } else {
          stack.push({ kind: "object", members: [], start, key: this.key() });
          continue;
        }
      } else if (c === 0x22) done = this.string();
      else if (c !== undefined && (c === 0x2d || (c >= 0x30 && c <= 0x39))) done = this.number();
      else if (c === 0x74) done = this.literal("true", { kind: "bool", value: true, start, end: 0 });
      else if (c === 0x66) done = this.literal("false", { kind: "bool", value: false, start, end: 0 });
      else if (c === 0x6e) done = this.literal("null", { kind: "null", start, end: 0 });
      else this.fail("looking for beginning of value");
      // Attach the finished value to its parents, closing those that end here.
      for (;;) {
        const parent = stack.at(-1);
        if (parent === undefined) return done;
        if (parent.kind === "array") parent.items.push(done);
        else parent.members.push({ key: parent.key, value: done });
        this.ws();
        const next = this.b[this.i];
        if (next === 0x2c) {
          this.i++;
          if (parent.kind === "object") {
            this.ws();
            parent.key = this.key();
          }
          break;
        }
        const close = parent.kind === "array" ? 0x5d : 0x7d;
        if (next !== close)
          this.fail(parent.kind === "array" ? "after array element" : "after object key:value pair");
        this.i++;
        stack.pop();
        done =
          parent.kind === "array"
            ? { kind: "array", items: parent.items, start: parent.start, end: this.i }
            : { kind: "object", members: parent.members, start: parent.start, end: this.i };
      }
    }
  }

  /** An object key and its colon; leaves the scanner before the value. */
  key(): string {
    if (this.b[this.i] !== 0x22) this.fail("looking for beginning of object key string");
    const key = this.string().value;
    this.ws();
    if (this.b[this.i] !== 0x3a) this.fail("after object key");
    this.i++;
    return key;
  }

  literal(word: string, node: JsonNode): JsonNode {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.b[this.i] !== word.charCodeAt(k)) this.fail(`in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
    node.end = this.i;
    return node;
  }

  string(): { kind: "string"; value: string; start: number; end: number } {
    const b = this.b;
    const start = this.i++;
    let out = "";
    let run = this.i;
    for (;;) {
      const c = b[this.i];
      if (c === undefined) this.fail("in string literal");
      if (c === 0x22) {
        out += decoder.decode(b.subarray(run, this.i));
        this.i++;
        return { kind: "string", value: wellFormed(out), start, end: this.i };
      }
      if (c < 0x20) this.fail("in string literal");
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += decoder.decode(b.subarray(run, this.i));
      this.i++;
      const e = b[this.i];
      const short = e === undefined ? undefined : SHORT_ESCAPES[e];
      if (short !== undefined) {
        out += short;
        this.i++;
      } else if (e === 0x75) {
        this.i++;
        out += String.fromCharCode(this.hex4());
      } else {
        this.fail("in string escape code");
      }
      run = this.i;
    }
  }

  hex4(): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.b[this.i];
      const d = c === undefined ? -1 : Number.parseInt(String.fromCharCode(c), 16);
      if (Number.isNaN(d) || d < 0) this.fail("in \\u hexadecimal character escape");
      v = v * 16 + d;
      this.i++;
    }
    return v;
  }

  digits(): number {
    const from = this.i;
    while (this.i < this.b.length && this.b[this.i]! >= 0x30 && this.b[this.i]! <= 0x39) this.i++;
    return this.i - from;
  }

  number(): JsonNode {
    const b = this.b;
    const start = this.i;
    if (b[this.i] === 0x2d) {
      this.i++;
      const c = b[this.i];
      if (c === undefined || c < 0x30 || c > 0x39) this.fail("in numeric literal");
    }
    if (b[this.i] === 0x30) this.i++;
    else this.digits();
    if (b[this.i] === 0x2e) {
      this.i++;
      if (this.digits() === 0) this.fail("after decimal point in numeric literal");
    }
    if (b[this.i] === 0x65 || b[this.i] === 0x45) {
      this.i++;
      if (b[this.i] === 0x2b || b[this.i] === 0x2d) this.i++;
      if (this.digits() === 0) this.fail("in exponent of numeric literal");
    }
    const raw = decoder.decode(b.subarray(start, this.i));
    return { kind: "number", raw, start, end: this.i };
  }
}

/**
 * Parses one JSON document, throwing GoJsonSyntaxError with Go's message.
 * With `firstValueOnly`, reads like json.Decoder.Decode: whatever follows the
 * first value is left unread instead of failing as json.Unmarshal does.
 */
export function scanJson(bytes: Uint8Array, firstValueOnly = false): JsonNode {
  const s = new Scanner(bytes);
  if (bytes.length === 0) throw new GoJsonSyntaxError("unexpected end of JSON input");
  const node = s.value();
  if (firstValueOnly) return node;
  s.ws();
  if (s.i < bytes.length) s.fail("after top-level value");
  return node;
}

// Go decodes a lone `\ud800` escape to U+FFFD rather than keeping it.
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
