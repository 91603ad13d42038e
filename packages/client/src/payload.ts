import { ValidationError } from "./errors.js";

/**
 * Serialises a payload to JSON text, refusing what JSON cannot carry instead
 * of letting `JSON.stringify` drop it silently or throw a bare TypeError.
 * `undefined` in an object is left out, as JSON does: optional fields are
 * normal. A `Date` becomes its ISO string through its own `toJSON`.
 */
export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (key, v: unknown) => {
      const kind = unrepresentable(v);
      if (kind)
        throw new ValidationError(
          `${what}${key ? ` field "${key}"` : ""} is ${kind}, which JSON cannot carry`,
        );
      return v;
    });
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(`${what} cannot be serialised to JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (text === undefined) {
    throw new ValidationError(`${what} cannot be serialised to JSON (got ${typeof value})`);
  }
  return text;
}

/**
 * What `value` is, when JSON would not carry it faithfully: a function or
 * symbol vanishes (or turns into `null` in an array), NaN and Infinity become
 * `null`, a Map or Set becomes `{}`, and bytes become an object keyed "0", "1", …
 */
function unrepresentable(value: unknown): string | undefined {
  const type = typeof value;
  if (type === "function" || type === "symbol") return `a ${type}`;
  if (type === "number" && !Number.isFinite(value)) return String(value);
  if (value instanceof Map) return "a Map";
  if (value instanceof Set) return "a Set";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "binary data (send base64)";
  return undefined;
}
