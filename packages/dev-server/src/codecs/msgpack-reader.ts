/**
 * Reads msgpack the way vmihailenco/msgpack v5 (the Go server's library)
 * decodes into `dwp.Frame`, with its error texts. @msgpack/msgpack cannot be
 * used for this direction: it hides the type codes (a float 1.0 and an int 1
 * come out alike) that decide between success and `invalid code=cb decoding
 * int64`, and it has no notion of Go's field kinds.
 */

export class MsgpackError extends Error {}

/** Go's `%x` of a byte: lowercase, no zero padding (`invalid code=5 …`). */
export const hex = (c: number): string => c.toString(16);

const FIXED_SIZES: Record<number, number> = {
  204: 1,
  208: 1,
  205: 2,
  209: 2,
  206: 4,
  210: 4,
  202: 4,
  207: 8,
  211: 8,
  203: 8,
};

export class MsgpackReader {
  private i = 0;
  constructor(private readonly b: Uint8Array) {}

  code(): number {
    const c = this.b[this.i];
    if (c === undefined) throw new MsgpackError("EOF");
    this.i++;
    return c;
  }

  peek(): number | undefined {
    return this.b[this.i];
  }

  /** io.ReadFull semantics: `EOF` when nothing was left, `unexpected EOF` when some was. */
  readN(n: number): Uint8Array {
    const left = this.b.length - this.i;
    if (n > left) throw new MsgpackError(left === 0 && n > 0 ? "EOF" : "unexpected EOF");
    const out = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return out;
  }

  uint(bytes: 1 | 2 | 4 | 8): bigint {
    const b = this.readN(bytes);
    let v = 0n;
    for (const x of b) v = (v << 8n) | BigInt(x);
    return v;
  }

  mapLen(c: number): number | undefined {
    if (c === 0xc0) return -1;
    if (c >= 0x80 && c <= 0x8f) return c & 0x0f;
    if (c === 0xde) return Number(this.uint(2));
    if (c === 0xdf) return Number(this.uint(4));
    return undefined;
  }

  arrayLen(c: number): number | undefined {
    if (c === 0xc0) return -1;
    if (c >= 0x90 && c <= 0x9f) return c & 0x0f;
    if (c === 0xdc) return Number(this.uint(2));
    if (c === 0xdd) return Number(this.uint(4));
    return undefined;
  }

  /** Length of a str or bin (Go accepts either for strings and []byte); -1 for nil. */
  bytesLen(c: number): number {
    if (c === 0xc0) return -1;
    if (c >= 0xa0 && c <= 0xbf) return c & 0x1f;
    if (c === 0xd9 || c === 0xc4) return Number(this.uint(1));
    if (c === 0xda || c === 0xc5) return Number(this.uint(2));
    if (c === 0xdb || c === 0xc6) return Number(this.uint(4));
    throw new MsgpackError(`msgpack: invalid code=${hex(c)} decoding string/bytes length`);
  }

  string(): string {
    const n = this.bytesLen(this.code());
    return n <= 0 ? "" : Buffer.from(this.readN(n)).toString("utf8");
  }

  /** `[]byte`: `undefined` for nil. */
  bytes(): Uint8Array | undefined {
    const n = this.bytesLen(this.code());
    if (n === -1) return undefined;
    return this.readN(n).slice();
  }

  int64(): number {
    const c = this.code();
    if (c === 0xc0) return 0;
    if (c <= 0x7f) return c;
    if (c >= 0xe0) return c - 0x100;
    switch (c) {
      case 0xcc:
        return Number(this.uint(1));
      case 0xd0:
        return Number(BigInt.asIntN(8, this.uint(1)));
      case 0xcd:
        return Number(this.uint(2));
      case 0xd1:
        return Number(BigInt.asIntN(16, this.uint(2)));
      case 0xce:
        return Number(this.uint(4));
      case 0xd2:
        return Number(BigInt.asIntN(32, this.uint(4)));
      case 0xcf:
      case 0xd3:
        // Go casts uint64 to int64: large values wrap negative.
        return Number(BigInt.asIntN(64, this.uint(8)));
      default:
        throw new MsgpackError(`msgpack: invalid code=${hex(c)} decoding int64`);
    }
  }

  /** Ext header after its code: [type, length]. */
  extHeader(c: number): [number, number] {
    let len: number;
    switch (c) {
      case 0xd4:
        len = 1;
        break;
      case 0xd5:
        len = 2;
        break;
      case 0xd6:
        len = 4;
        break;
      case 0xd7:
        len = 8;
        break;
      case 0xd8:
        len = 16;
        break;
      case 0xc7:
        len = Number(this.uint(1));
        break;
      case 0xc8:
        len = Number(this.uint(2));
        break;
      case 0xc9:
        len = Number(this.uint(4));
        break;
      default:
        throw new MsgpackError(`msgpack: invalid code=${hex(c)} decoding ext len`);
    }
    const type = this.code();
    return [type > 127 ? type - 256 : type, len];
  }

  /** Skips one value; iterative, as a deep nest must not exhaust the JS stack. */
  skip(): void {
    let pending = 1;
    while (pending > 0) {
      pending--;
      const c = this.code();
      if (c <= 0x7f || c >= 0xe0 || c === 0xc0 || c === 0xc2 || c === 0xc3) continue;
      const map = this.mapLen(c);
      if (map !== undefined) {
        pending += map * 2;
        continue;
      }
      const arr = this.arrayLen(c);
      if (arr !== undefined) {
        pending += arr;
        continue;
      }
      const size = FIXED_SIZES[c];
      if (size !== undefined) {
        this.readN(size);
        continue;
      }
      if ((c >= 0xa0 && c <= 0xbf) || (c >= 0xd9 && c <= 0xdb) || (c >= 0xc4 && c <= 0xc6)) {
        const n = this.bytesLen(c);
        if (n > 0) this.readN(n);
        continue;
      }
      if ((c >= 0xd4 && c <= 0xd8) || (c >= 0xc7 && c <= 0xc9)) {
        const [, len] = this.extHeader(c);
        this.readN(len);
        continue;
      }
      throw new MsgpackError(`msgpack: unknown code ${hex(c)}`);
    }
  }
}
