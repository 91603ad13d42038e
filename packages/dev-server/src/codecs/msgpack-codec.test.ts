import { ExtData, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { FrameDecodeError, FrameDecodePanic } from "./codec.js";
import { decodeFrameMsgpack, encodeFrameMsgpack } from "./msgpack-codec.js";

const ts = new ExtData(-1, Buffer.from("1d6f3454695735a5", "hex"));
const err = (value: unknown): string => {
  try {
    decodeFrameMsgpack(encode(value));
    return "ok";
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
};

describe("msgpack codec", () => {
  it("accepts data as bin or str, keys are case-sensitive", () => {
    const f = decodeFrameMsgpack(encode({ id: "a", ID: "b", data: '{"x":1}', ts }));
    expect(f.id).toBe("a");
    expect(Buffer.from(f.data!).toString()).toBe('{"x":1}');
  });

  it("refuses what vmihailenco/msgpack refuses", () => {
    expect(err({ data: { a: 1 }, ts })).toBe(
      `${FrameDecodeError.name}: msgpack: invalid code=81 decoding string/bytes length`,
    );
    expect(err({ ts: new ExtData(13, new Uint8Array(4)) })).toBe(
      `${FrameDecodeError.name}: msgpack: got ext type=13, wanted -1`,
    );
    expect(err({ ts: new ExtData(-1, new Uint8Array(16)) })).toBe(
      `${FrameDecodeError.name}: msgpack: invalid ext len=16 decoding time`,
    );
    expect(err({ credits: 2.5, ts })).toBe(
      `${FrameDecodeError.name}: msgpack: invalid code=cb decoding int64`,
    );
    expect(err("x")).toBe(`${FrameDecodeError.name}: msgpack: unexpected code=a1 decoding map length`);
    expect(err({ ts: null })).toBe(`${FrameDecodePanic.name}: msgpack: nil ts (Go decoder panics)`);
  });

  it("reads truncated input as EOF / unexpected EOF", () => {
    expect(() => decodeFrameMsgpack(new Uint8Array())).toThrow("EOF");
    expect(() => decodeFrameMsgpack(Buffer.from([0x81, 0xa2, 0x69]))).toThrow("unexpected EOF");
  });

  it("skips unknown keys of any shape and decodes array-encoded frames", () => {
    const f = decodeFrameMsgpack(
      encode({ extra: [1, { a: [2.5, null] }, new ExtData(5, new Uint8Array(3))], id: "z", ts }),
    );
    expect(f.id).toBe("z");
    expect(() => decodeFrameMsgpack(encode(["a", "b"]))).toThrow(
      "number of fields in array-encoded struct has changed",
    );
  });

  it("round-trips a frame with every field", () => {
    const f = decodeFrameMsgpack(
      encode({
        id: "1",
        type: "error",
        method: "m",
        correl_id: "c",
        token: "t",
        app_id: "a",
        org_id: "o",
        data: new Uint8Array([0x31]),
        error: { code: 400, message: "x", details: "d" },
        channel: "ch",
        credits: 7,
        ts,
      }),
    );
    expect(decodeFrameMsgpack(encodeFrameMsgpack(f))).toEqual(f);
  });
});
