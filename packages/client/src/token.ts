import { boundedWait } from "./bounded-wait.js";
import { AuthError, abortedBy, DispatchError, TimeoutError, ValidationError } from "./errors.js";
import type { TokenProvider } from "./options.js";

/**
 * Asks a token provider for the current token. A provider that throws fails
 * with a retryable `AuthError` (a token endpoint that is down may be up on the
 * next try; the server refused nothing), unless it threw a `DispatchError`,
 * which passes as is. One that returns nothing fails with a `ValidationError`,
 * so callers never send an empty credential; one that never answers fails
 * with a `TimeoutError` after `timeout` ms, or an `AbortError` when `signal`
 * fires, so it cannot hold a request (or a handshake) past its own limits.
 *
 * @example
 * ```ts
 * const token = await resolveToken(options.token, options.timeout, signal);
 * ```
 */
export async function resolveToken(
  provider: TokenProvider,
  timeout = Number.POSITIVE_INFINITY,
  signal?: AbortSignal,
): Promise<string> {
  const aborted = abortedBy(signal);
  if (aborted) throw aborted;
  let token: unknown;
  try {
    if (typeof provider === "function") {
      // Called here, not inside the wait: a provider that throws at once is caught below.
      const answer = provider();
      const expired = () => new TimeoutError(`token provider gave no token within ${timeout} ms`);
      token = await boundedWait(timeout, signal, expired, (resolve, reject) => {
        // Handled before anything else: a provider that rejects after an abort must not surface as unhandled.
        Promise.resolve(answer).then(resolve, reject);
        return () => {};
      });
    } else {
      token = provider;
    }
  } catch (err) {
    if (err instanceof DispatchError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new AuthError(`token provider failed: ${why}`, { cause: err, retryable: true });
  }
  if (typeof token !== "string" || token === "")
    throw new ValidationError("token provider returned no token");
  return token;
}
