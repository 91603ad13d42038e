import type { ConnectionStatus, Observable } from "./connection-state.js";
import { AbortError, abortedBy, clientClosedError, TimeoutError } from "./errors.js";
import type { RequestOptions } from "./requests.js";
import { timerDelay } from "./timer-delay.js";

/**
 * Resolves with the session id (`""` where there is none, as over SSE) once
 * `status` is `open`; rejects when it closes, when `timeout` passes, or when
 * the signal fires. Shared by both transports behind `connect()`.
 */
export function waitUntilOpen(
  status: Observable<ConnectionStatus>,
  timeout: number,
  signal: RequestOptions["signal"],
): Promise<string> {
  const aborted = abortedBy(signal);
  if (aborted) return Promise.reject(aborted);
  return new Promise((resolve, reject) => {
    const check = (current: ConnectionStatus): boolean => {
      if (current.state === "open") resolve(current.sessionId ?? "");
      else if (current.state === "closed") reject(current.error ?? clientClosedError());
      else return false;
      return true;
    };
    if (check(status.get())) return;
    const stop = status.subscribe((current) => {
      if (check(current)) done();
    });
    const timer = setTimeout(() => {
      done();
      reject(new TimeoutError(`no session within ${timeout} ms`, { cause: status.get().error }));
    }, timerDelay(timeout));
    const onAbort = () => {
      done();
      reject(new AbortError(undefined, { cause: signal?.reason }));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      stop();
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
  });
}
