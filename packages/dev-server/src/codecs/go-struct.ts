/**
 * `json.Unmarshal` into a Go struct, over a scanned JSON tree. Reproduces what
 * clients can observe: keys matched exactly, else case-insensitively (Go's
 * foldName); `null` leaves a field untouched; a type mismatch is remembered
 * (the first one wins) while decoding carries on, and becomes
 * `json: cannot unmarshal number into Go struct field Frame.id of type string`;
 * a `time.Time` that is not a string aborts at once with
 * `Time.UnmarshalJSON: input is not a JSON string`.
 */

import type { JsonNode } from "./go-json-scan.js";
import { type GoTime, parseRFC3339 } from "./go-time.js";

export type FieldKind = "string" | "int" | "raw" | "time" | StructSchema;

export interface FieldSpec {
  /** The JSON key from the Go struct tag. */
  name: string;
  kind: FieldKind;
  /** Go's `reflect.Type.String()` for the field, used in error texts. */
  goType: string;
}

export interface StructSchema {
  /** Unqualified struct name (`Frame`), as Go names it in field errors. */
  goName: string;
  /** Qualified type (`dwp.Frame`). */
  goType: string;
  fields: FieldSpec[];
}

export type GoValue = string | number | Uint8Array | GoTime | GoStruct | undefined;
export interface GoStruct {
  [key: string]: GoValue;
}

/** A failure Go reports from json.Unmarshal (its text is the message). */
export class GoDecodeError extends Error {}

function fold(key: string): string {
  let out = "";
  for (const ch of key) {
    const cp = ch.codePointAt(0) ?? 0;
    out += cp < 0x80 ? ch.toUpperCase() : ch.toLowerCase().toUpperCase();
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function describe(node: JsonNode): string {
  switch (node.kind) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "bool":
      return "bool";
    case "array":
      return "array";
    case "object":
      return "object";
    default:
      return "null";
  }
}

class StructDecoder {
  saved: string | undefined;
  readonly path: string[] = [];
  readonly owners: StructSchema[] = [];
  constructor(readonly bytes: Uint8Array) {}

  typeError(value: string, goType: string): void {
    if (this.saved !== undefined) return;
    const owner = this.owners.at(-1);
    this.saved =
      owner === undefined || this.path.length === 0
        ? `json: cannot unmarshal ${value} into Go value of type ${goType}`
        : `json: cannot unmarshal ${value} into Go struct field ${owner.goName}.${this.path.join(".")} of type ${goType}`;
  }

  struct(node: JsonNode, schema: StructSchema): GoStruct | undefined {
    if (node.kind === "null") return undefined;
    if (node.kind !== "object") {
      this.typeError(describe(node), schema.goType);
      return undefined;
    }
    const out: GoStruct = {};
    this.owners.push(schema);
    for (const { key, value } of node.members) {
      const field =
        schema.fields.find((f) => f.name === key) ?? schema.fields.find((f) => fold(f.name) === fold(key));
      if (field === undefined) continue;
      this.path.push(field.name);
      out[field.name] = this.field(value, field, out[field.name]);
      this.path.pop();
    }
    this.owners.pop();
    return out;
  }

  field(node: JsonNode, field: FieldSpec, previous: GoValue): GoValue {
    const kind = field.kind;
    if (kind === "raw") return this.bytes.slice(node.start, node.end);
    if (kind === "time") {
      if (node.kind === "null") return previous;
      if (node.kind !== "string") throw new GoDecodeError("Time.UnmarshalJSON: input is not a JSON string");
      // Go parses the bytes between the quotes without unescaping them.
      const raw = Buffer.from(this.bytes.subarray(node.start + 1, node.end - 1)).toString("utf8");
      try {
        return parseRFC3339(raw);
      } catch (err) {
        throw new GoDecodeError((err as Error).message);
      }
    }
    if (node.kind === "null") return typeof kind === "object" ? undefined : previous;
    if (kind === "string") {
      if (node.kind === "string") return node.value;
      this.typeError(describe(node), field.goType);
      return previous;
    }
    if (kind === "int") {
      if (node.kind === "number") {
        if (/^-?\d+$/.test(node.raw)) {
          const n = BigInt(node.raw);
          if (n >= INT64_MIN && n <= INT64_MAX) return Number(n);
        }
        this.typeError(`number ${node.raw}`, field.goType);
        return previous;
      }
      this.typeError(describe(node), field.goType);
      return previous;
    }
    // A null pointer field is reset to nil; anything else but an object keeps the old value.
    if (node.kind === "object") return this.struct(node, kind);
    this.typeError(describe(node), kind.goType);
    return previous;
  }
}

/**
 * Decodes `node` into `schema` like json.Unmarshal; throws GoDecodeError with
 * Go's message on failure.
 */
export function decodeGoStruct(node: JsonNode, bytes: Uint8Array, schema: StructSchema): GoStruct {
  const d = new StructDecoder(bytes);
  const out = d.struct(node, schema) ?? {};
  if (d.saved !== undefined) throw new GoDecodeError(d.saved);
  return out;
}
