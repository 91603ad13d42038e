import { ValidationError } from "./errors.js";

/**
 * Serialises a payload to JSON text, refusing what JSON cannot carry instead
 * of letting `JSON.stringify` drop it silently (functions, symbols,
 * `undefined`) or throw a bare TypeError (BigInt, cycles).
 */
export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new ValidationError(`${what} cannot be serialised to JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (text === undefined) {
    throw new ValidationError(`${what} cannot be serialised to JSON (got ${typeof value})`);
  }
  return text;
}
