import { boundedWait } from "./bounded-wait.js";
import type { ConnectionStatus, Observable } from "./connection-state.js";
import { abortedBy, clientClosedError, TimeoutError } from "./errors.js";
import type { RequestOptions } from "./requests.js";

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
  const expired = () => new TimeoutError(`no session within ${timeout} ms`, { cause: status.get().error });
  return boundedWait<string>(timeout, signal, expired, (resolve, reject) => {
    const check = (current: ConnectionStatus): void => {
      if (current.state === "open") resolve(current.sessionId ?? "");
      else if (current.state === "closed") reject(current.error ?? clientClosedError());
    };
    check(status.get());
    return status.subscribe(check);
  });
}
