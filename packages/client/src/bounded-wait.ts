import { AbortError, type DispatchError } from "./errors.js";
import { timerDelay } from "./timer-delay.js";

/**
 * A promise that `start` settles, unless `timeout` ms pass first (it rejects
 * with `expired()`) or `signal` fires (an `AbortError`). `start` returns what
 * stops its own listening; that, the timer and the abort listener all go as
 * soon as the promise settles, whichever way. Shared by the token provider's
 * wait and `connect()`, so neither can hold a timer or a listener past its
 * answer.
 */
export function boundedWait<T>(
  timeout: number,
  signal: AbortSignal | undefined,
  expired: () => DispatchError,
  start: (resolve: (value: T) => void, reject: (error: unknown) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let stop: (() => void) | undefined;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      stop?.();
      settle();
    };
    const onAbort = () => finish(() => reject(new AbortError(undefined, { cause: signal?.reason })));
    const timer = setTimeout(() => finish(() => reject(expired())), timerDelay(timeout));
    signal?.addEventListener("abort", onAbort, { once: true });
    stop = start(
      (value) => finish(() => resolve(value)),
      (error) => finish(() => reject(error)),
    );
    // Settled while starting: what it returned was not there to stop yet.
    if (settled) stop();
    else if (signal?.aborted) onAbort();
  });
}
