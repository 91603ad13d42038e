/**
 * Golden frames from the Go server's own codec: every one must decode with the
 * dev server's codecs and re-encode to the same bytes, and the dev server's
 * frame constructors must build the server→client ones identically.
 */
import { readFileSync } from "node:fs";
import { decode, ExtData, ExtensionCodec } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import type { Frame } from "../src/codecs/codec.js";
import { formatRFC3339Nano, parseRFC3339 } from "../src/codecs/go-time.js";
import { decodeFrameJson, encodeFrameJson } from "../src/codecs/json-codec.js";
import { decodeFrameMsgpack, encodeFrameMsgpack } from "../src/codecs/msgpack-codec.js";
import { emptyFrame, errorFrame, eventFrame, responseFrame } from "../src/frames.js";

interface Vector {
  name: string;
  codec: "json" | "msgpack";
  direction: string;
  message_kind: string;
  text?: string;
  hex?: string;
  decoded: Record<string, unknown>;
}

const vectors = JSON.parse(
  readFileSync(new URL("../../../../shared/protocol/vectors.json", import.meta.url), "utf8"),
) as Vector[];

const raw = new ExtensionCodec();
raw.register({ type: -1, encode: () => null, decode: (d: Uint8Array) => new ExtData(-1, d.slice()) });

/** The frame as plain JSON-ish values, for comparison with `decoded`. */
function view(f: Frame): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, type: f.type };
  for (const k of ["method", "correl_id", "token", "app_id", "org_id", "channel"] as const)
    if (f[k] !== "") out[k] = f[k];
  if (f.data !== undefined) out.data = JSON.parse(Buffer.from(f.data).toString("utf8"));
  if (f.error !== undefined) out.error = f.error;
  if (f.credits !== 0) out.credits = f.credits;
  out.ts = formatRFC3339Nano(f.ts);
  return out;
}

/** Rebuilds a server→client frame with the dev server's own constructors. */
function rebuild(d: Record<string, unknown>): Frame {
  const fixed = { id: d.id as string, ts: parseRFC3339(d.ts as string) };
  const correl = (d.correl_id as string | undefined) ?? "";
  switch (d.type) {
    case "response":
      return { ...responseFrame(correl, d.data), ...fixed };
    case "error": {
      const e = d.error as { code: number; message: string };
      return { ...errorFrame(correl, e.code, e.message), ...fixed };
    }
    case "event":
      return { ...eventFrame(d.channel as string, d.data), ...fixed };
    default:
      return { ...emptyFrame(), type: d.type as string, correl_id: correl, ...fixed };
  }
}

describe("golden vectors", () => {
  it("are all present", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
  });

  for (const v of vectors) {
    it(`${v.name}: decodes and re-encodes byte for byte`, () => {
      if (v.codec === "json") {
        const text = v.text!;
        const frame = decodeFrameJson(Buffer.from(text));
        expect(view(frame)).toEqual(v.decoded);
        expect(encodeFrameJson(frame)).toBe(text);
        if (v.direction === "server->client") expect(encodeFrameJson(rebuild(v.decoded))).toBe(text);
        return;
      }
      const bytes = Buffer.from(v.hex!, "hex");
      const frame = decodeFrameMsgpack(bytes);
      expect(view(frame)).toEqual(v.decoded);
      const again = Buffer.from(encodeFrameMsgpack(frame));
      expect(again.toString("hex")).toBe(v.hex);
      if (v.direction === "server->client") {
        expect(Buffer.from(encodeFrameMsgpack(rebuild(v.decoded))).toString("hex")).toBe(v.hex);
      }
      // Same keys, order and value types: data is bin, ts is ext −1.
      const ours = decode(again, { extensionCodec: raw }) as Record<string, unknown>;
      const theirs = decode(bytes, { extensionCodec: raw }) as Record<string, unknown>;
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      if ("data" in ours) expect(ours.data).toBeInstanceOf(Uint8Array);
      expect(ours.ts).toBeInstanceOf(ExtData);
      expect((ours.ts as ExtData).type).toBe(-1);
    });
  }
});
