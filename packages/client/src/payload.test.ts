import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { toJson } from "./payload.js";

describe("toJson", () => {
  it("keeps what JSON carries faithfully, including Dates and optional fields", () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    expect(toJson({ a: [1, "x", null, true], at, skip: undefined }, "payload")).toBe(
      '{"a":[1,"x",null,true],"at":"2026-01-02T03:04:05.000Z"}',
    );
  });

  it.each([
    ["a Map", { m: new Map([["k", 1]]) }, 'payload field "m" is a Map'],
    ["a Set", { tags: new Set(["a"]) }, 'payload field "tags" is a Set'],
    ["NaN", { n: Number.NaN }, 'payload field "n" is NaN'],
    ["Infinity", { list: [1, Number.POSITIVE_INFINITY] }, 'payload field "1" is Infinity'],
    ["a nested function", { onDone: () => 1 }, 'payload field "onDone" is a function'],
    ["a symbol in an array", [Symbol("s")], 'payload field "0" is a symbol'],
    ["bytes", { file: new Uint8Array([1, 2]) }, 'payload field "file" is binary data'],
    ["an ArrayBuffer", new ArrayBuffer(2), "payload is binary data"],
    ["a top-level Map", new Map(), "payload is a Map"],
  ])("refuses %s instead of sending something else", (_, value, message) => {
    expect(() => toJson(value, "payload")).toThrow(ValidationError);
    expect(() => toJson(value, "payload")).toThrow(message);
  });

  it("names the cause of what JSON.stringify itself refuses", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJson(cyclic, "input")).toThrow(/^input cannot be serialised to JSON: /);
    expect(() => toJson({ big: 1n }, "input")).toThrow(/input cannot be serialised to JSON: .*BigInt/);
  });
});
