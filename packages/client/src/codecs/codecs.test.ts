import { Decoder, Encoder, ExtData, ExtensionCodec, encodeTimeSpecToTimestamp } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { bytesOf, vectors } from "../../test/vectors.js";
import type { OutboundFrame } from "./codec.js";
import { jsonCodec } from "./json.js";
import { msgpackCodec } from "./msgpack.js";

// Decodes without interpreting extensions, to see the wire types themselves.
const rawExt = new ExtensionCodec();
rawExt.register({ type: -1, encode: () => null, decode: (data) => new ExtData(-1, data) });
const raw = new Decoder({ extensionCodec: rawExt });

function outbound(decoded: Record<string, unknown>): OutboundFrame {
  const frame: OutboundFrame = {
    id: decoded.id as string,
    type: decoded.type as OutboundFrame["type"],
    ts: new Date(decoded.ts as string),
  };
  if (decoded.method !== undefined) frame.method = decoded.method as string;
  if (decoded.data !== undefined) frame.dataJson = JSON.stringify(decoded.data);
  if (decoded.credits !== undefined) frame.credits = decoded.credits as number;
  return frame;
}

const clientFrames = vectors.filter(
  (v) => v.direction === "client->server" && !v.decoded.method?.toString().startsWith("auth"),
);
const serverFrames = vectors.filter((v) => v.direction === "server->client");

describe("JSON codec against the golden frames", () => {
  it.each(clientFrames.filter((v) => v.codec === "json"))("encodes $name like the Go codec", (vector) => {
    const ours = jsonCodec.encode(outbound(vector.decoded)) as string;
    const theirs = vector.text ?? "";
    // Same keys in the same order; only ts precision differs (Date has ms).
    expect(Object.keys(JSON.parse(ours))).toEqual(Object.keys(JSON.parse(theirs)));
    expect(ours.replace(/"ts":"[^"]*"/, "")).toBe(theirs.replace(/"ts":"[^"]*"/, ""));
    expect(Date.parse(JSON.parse(ours).ts)).toBe(Date.parse(vector.decoded.ts));
  });

  it.each(serverFrames.filter((v) => v.codec === "json"))("decodes $name", (vector) => {
    expect(jsonCodec.decode(vector.text ?? "")).toEqual(vector.decoded);
  });
});

describe("msgpack codec against the golden frames", () => {
  it.each(clientFrames.filter((v) => v.codec === "msgpack"))("encodes $name byte for byte", (vector) => {
    const ours = msgpackCodec.encode(outbound(vector.decoded)) as Uint8Array;
    const theirs = bytesOf(vector);
    const a = raw.decode(ours) as Record<string, unknown>;
    const b = raw.decode(theirs) as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(Object.keys(b));
    if (b.data !== undefined) expect(a.data).toBeInstanceOf(Uint8Array);
    expect(a.ts).toBeInstanceOf(ExtData);
    expect((a.ts as ExtData).type).toBe(-1);
    // Everything but the 8 timestamp bytes matches; those differ only below the millisecond.
    expect(Buffer.from(ours.subarray(0, -8)).toString("hex")).toBe(
      Buffer.from(theirs.subarray(0, -8)).toString("hex"),
    );
  });

  it("writes the exact bytes when ts has millisecond precision", () => {
    const vector = clientFrames.find((v) => v.name === "ping (msgpack)");
    if (!vector) throw new Error("vector missing");
    const ms = new Date("2026-01-02T03:04:05.123Z");
    const ours = msgpackCodec.encode({ id: "ping-1", type: "ping", ts: ms }) as Uint8Array;
    const expected = Buffer.from(bytesOf(vector));
    // The 64-bit timestamp is nsec << 34 | sec; with sec < 2^32 its first word
    // is nsec × 4, and only that word differs from the nanosecond vector.
    expected.writeUInt32BE(123_000_000 * 4, expected.length - 8);
    expect(Buffer.from(ours).toString("hex")).toBe(expected.toString("hex"));
  });

  it.each(serverFrames.filter((v) => v.codec === "msgpack"))("decodes $name", (vector) => {
    // ts keeps its nanoseconds: the frame reads as the same frame in JSON.
    expect(msgpackCodec.decode(bytesOf(vector))).toEqual(vector.decoded);
  });

  it.each([
    [465_002_100, "2026-01-02T03:04:05.4650021Z"],
    [1, "2026-01-02T03:04:05.000000001Z"],
    [0, "2026-01-02T03:04:05Z"],
  ])("reads a timestamp with %i ns as Go's RFC 3339 text", (nsec, text) => {
    const sec = Date.parse("2026-01-02T03:04:05Z") / 1000;
    const ts = new ExtData(-1, encodeTimeSpecToTimestamp({ sec, nsec }));
    const bytes = new Encoder().encode({ id: "1", type: "pong", ts });
    expect(msgpackCodec.decode(bytes).ts).toBe(text);
  });

  it("reads a frame whose timestamp no Date can hold, with an empty ts", () => {
    const ts = new ExtData(-1, encodeTimeSpecToTimestamp({ sec: 2 ** 50, nsec: 0 }));
    const frame = msgpackCodec.decode(new Encoder().encode({ id: "1", type: "pong", ts }));
    expect(frame).toMatchObject({ id: "1", type: "pong", ts: "" });
  });

  it("never writes nil: absent fields are left out", () => {
    const bytes = msgpackCodec.encode({
      id: "x",
      type: "request",
      method: "stats",
      ts: new Date(),
    }) as Uint8Array;
    const decoded = raw.decode(bytes) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(["id", "type", "method", "ts"]);
    expect(Object.values(decoded)).not.toContain(null);
  });

  it("decodes JSON text frames (auth errors are always JSON)", () => {
    const frame = msgpackCodec.decode(
      '{"id":"1","type":"error","error":{"code":401,"message":"authentication failed"},"ts":"2026-01-02T03:04:05Z"}',
    );
    expect(frame.error).toEqual({ code: 401, message: "authentication failed" });
  });
});

describe("hostile input", () => {
  it("rejects messages that are not frames", () => {
    expect(() => jsonCodec.decode("[1,2]")).toThrow(TypeError);
    expect(() => jsonCodec.decode("not json")).toThrow(SyntaxError);
    expect(() => msgpackCodec.decode(new Uint8Array([0xc1]))).toThrow();
  });

  it("does not let __proto__ keys reach Object.prototype", () => {
    const frame = jsonCodec.decode('{"type":"event","data":{"__proto__":{"polluted":true}},"ts":"x"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(frame.data)).toBe(Object.prototype);
  });
});
