import { AuthError, DispatchError, ValidationError } from "./errors.js";
import type { TokenProvider } from "./options.js";

/**
 * Asks a token provider for the current token. A provider that throws or
 * returns nothing fails with a `DispatchError`, so callers never send an
 * empty credential.
 */
export async function resolveToken(provider: TokenProvider): Promise<string> {
  let token: unknown;
  try {
    token = typeof provider === "function" ? await provider() : provider;
  } catch (err) {
    throw err instanceof DispatchError ? err : new AuthError("token provider failed", { cause: err });
  }
  if (typeof token !== "string" || token === "")
    throw new ValidationError("token provider returned no token");
  return token;
}
