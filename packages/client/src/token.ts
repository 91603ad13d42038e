import { AbortError, AuthError, abortedBy, DispatchError, TimeoutError, ValidationError } from "./errors.js";
import type { TokenProvider } from "./options.js";
import { timerDelay } from "./timer-delay.js";

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
    token = typeof provider === "function" ? await bounded(provider(), timeout, signal) : provider;
  } catch (err) {
    if (err instanceof DispatchError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new AuthError(`token provider failed: ${why}`, { cause: err, retryable: true });
  }
  if (typeof token !== "string" || token === "")
    throw new ValidationError("token provider returned no token");
  return token;
}

function bounded<T>(answer: T | Promise<T>, timeout: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(new AbortError(undefined, { cause: signal?.reason })));
    const timer = setTimeout(
      () => finish(() => reject(new TimeoutError(`token provider gave no token within ${timeout} ms`))),
      timerDelay(timeout),
    );
    // Handled before anything else: a provider that rejects after an abort must not surface as unhandled.
    Promise.resolve(answer).then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
