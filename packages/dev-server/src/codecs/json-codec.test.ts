import { describe, expect, it } from "vitest";
import { goMarshal, goQuoteJson } from "./go-json-encode.js";
import { decodeFrameJson, encodeFrameJson } from "./json-codec.js";
import { decodeRequest } from "./request-decoder.js";

const err = (text: string): string => {
  try {
    decodeFrameJson(Buffer.from(text));
  } catch (e) {
    return (e as Error).message;
  }
  return "ok";
};

describe("Go encoding/json syntax errors", () => {
  it.each([
    ["", "unexpected end of JSON input"],
    ["{", "unexpected end of JSON input"],
    ["x", "invalid character 'x' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["{} x", "invalid character 'x' after top-level value"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":-}', "invalid character '}' in numeric literal"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['{"a":"\n"}', "invalid character '\\n' in string literal"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
  ])("%j → %s", (text, message) => {
    expect(err(text)).toBe(message);
  });

  it("nests up to Go's 10,000 levels without exhausting the stack", () => {
    expect(err("[".repeat(200_000))).toBe("invalid character '[' exceeded max depth");
    expect(err(`{"data":${"[".repeat(9_998)}${"]".repeat(9_998)}}`)).toBe("ok");
    expect(err(`{"data":${'{"a":'.repeat(9_998)}1${"}".repeat(9_998)}}`)).toBe("ok");
  });

  it("keeps the first type error but decodes on; a bad ts aborts at once", () => {
    expect(err('{"id":1,"type":2}')).toBe(
      "json: cannot unmarshal number into Go struct field Frame.id of type string",
    );
    expect(err('{"type":true}')).toBe(
      "json: cannot unmarshal bool into Go struct field Frame.type of type dwp.FrameType",
    );
    expect(err('{"id":1,"ts":2}')).toBe("Time.UnmarshalJSON: input is not a JSON string");
    expect(err('{"error":{"code":"x"}}')).toBe(
      "json: cannot unmarshal string into Go struct field ErrorDetail.error.code of type int",
    );
    expect(err('{"credits":1e3}')).toBe(
      "json: cannot unmarshal number 1e3 into Go struct field Frame.credits of type int",
    );
  });

  it("parses ts without unescaping it, like Go", () => {
    expect(err('{"ts":"\\u0032026-01-02T03:04:05Z"}')).toMatch(/^parsing time "\\\\u0032026/);
  });

  it("matches keys case-insensitively, exact match first", () => {
    const f = decodeFrameJson(Buffer.from('{"ID":"a","Correl_Id":"b","credits":3}'));
    expect(f).toMatchObject({ id: "a", correl_id: "b", credits: 3 });
  });

  it("keeps data as raw bytes; null data is the text null", () => {
    expect(Buffer.from(decodeFrameJson(Buffer.from('{"data": { "a" : 1 }}')).data!).toString()).toBe(
      '{ "a" : 1 }',
    );
    expect(Buffer.from(decodeFrameJson(Buffer.from('{"data":null}')).data!).toString()).toBe("null");
  });
});

describe("Go encoding/json output", () => {
  it("escapes HTML characters and line separators", () => {
    expect(goQuoteJson("<a>&\u2028\u2029\n\u0001\ud800")).toBe(
      '"\\u003ca\\u003e\\u0026\\u2028\\u2029\\n\\u0001\\ufffd"',
    );
    expect(goMarshal({ b: new Uint8Array([1, 2]), n: 1e-7, u: undefined })).toBe('{"b":"AQI=","n":1e-07}');
  });

  it("writes the envelope in Go field order with empty fields omitted and data compacted", () => {
    const f = decodeFrameJson(
      Buffer.from('{"ts":"2026-01-02T03:04:05Z","data":{ "x": "<" },"id":"1","type":"event","channel":"c"}'),
    );
    expect(encodeFrameJson(f)).toBe(
      '{"id":"1","type":"event","data":{"x":"\\u003c"},"channel":"c","ts":"2026-01-02T03:04:05Z"}',
    );
  });
});

describe("request decoding", () => {
  const reqErr = (data: string | undefined) => {
    try {
      decodeRequest(data === undefined ? undefined : Buffer.from(data), "job.enqueue");
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };
  it("absent data is unexpected end of JSON input; null is an empty request", () => {
    expect(reqErr(undefined)).toBe("unexpected end of JSON input");
    expect(reqErr("null")).toBe("ok");
    expect(reqErr('"x"')).toBe("json: cannot unmarshal string into Go value of type dwp.JobEnqueueRequest");
    expect(reqErr('{"priority":"1"}')).toBe(
      "json: cannot unmarshal string into Go struct field JobEnqueueRequest.priority of type int",
    );
  });
});
