/**
 * Error codes: the server's numeric codes (400, 401, 403, 404, 405, 409, 500)
 * or one of the client's own string codes.
 */
export type DispatchErrorCode =
  | number
  | "timeout"
  | "connection_lost"
  | "closed"
  | "aborted"
  | "invalid_argument"
  | "job_failed"
  | "protocol";

/** Options shared by every Dispatch error. */
export interface DispatchErrorOptions {
  /** Overrides the classification derived from `code`. */
  retryable?: boolean | undefined;
  /** Extra text the server sent in `error.details`. */
  details?: string | undefined;
  /** What led to it (a socket error, a refused fetch, the signal's reason). */
  cause?: unknown;
}

/**
 * Classifies a code the way dispatch-py's `Status` does: timeouts, lost
 * connections, 5xx, 408 and 429 may succeed if tried again; other 4xx and
 * local misuse never.
 *
 * @example
 * ```ts
 * isRetryableCode(503); // true
 * isRetryableCode(404); // false
 * isRetryableCode("timeout"); // true
 * ```
 */
export function isRetryableCode(code: DispatchErrorCode): boolean {
  if (typeof code === "number") return code >= 500 || code === 408 || code === 429;
  return code === "timeout" || code === "connection_lost";
}

/**
 * The one base class for every error this SDK throws or rejects with.
 *
 * @example
 * ```ts
 * try {
 *   await client.getJob("job_01…");
 * } catch (err) {
 *   if (err instanceof DispatchError && err.code === 404) showNotFound();
 *   else if (err instanceof DispatchError && err.retryable) scheduleRetry();
 *   else throw err;
 * }
 * ```
 */
export class DispatchError extends Error {
  /** The server's error code, or a client string code such as `"timeout"`. */
  readonly code: DispatchErrorCode;
  /** Whether the same call may succeed if tried again. */
  readonly retryable: boolean;
  /** `error.details` from the server, when it sent any. */
  readonly details: string | undefined;

  constructor(code: DispatchErrorCode, message: string, options: DispatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DispatchError";
    this.code = code;
    this.retryable = options.retryable ?? isRetryableCode(code);
    this.details = options.details;
  }
}

/**
 * The server refused the token (401): reconnection stops, retrying cannot
 * help. Also a token provider that threw, marked `retryable`: the server
 * refused nothing, and the socket tries again.
 *
 * @example
 * ```ts
 * client.onStateChange((state, status) => {
 *   if (state === "closed" && status.error instanceof AuthError) redirectToLogin();
 * });
 * ```
 */
export class AuthError extends DispatchError {
  constructor(message = "authentication failed", options: DispatchErrorOptions = {}) {
    super(401, message, options);
    this.name = "AuthError";
  }
}

/**
 * The connection dropped or was closed while the call was in flight. A request
 * that may have reached the server is never re-sent (enqueue is not idempotent).
 *
 * @example
 * ```ts
 * try {
 *   await client.enqueue("send-email", { to });
 * } catch (err) {
 *   // It may have been enqueued: look before enqueueing again.
 *   if (err instanceof ConnectionError && err.code === "connection_lost") await reconcile();
 * }
 * ```
 */
export class ConnectionError extends DispatchError {
  constructor(message: string, options: DispatchErrorOptions & { closed?: boolean } = {}) {
    super(options.closed ? "closed" : "connection_lost", message, options);
    this.name = "ConnectionError";
  }
}

/**
 * No answer arrived within the request's timeout.
 *
 * @example
 * ```ts
 * await client.getJob(id, { timeout: 2_000 }).catch((err) => {
 *   if (err instanceof TimeoutError) return undefined; // show "still loading"
 *   throw err;
 * });
 * ```
 */
export class TimeoutError extends DispatchError {
  constructor(message: string, options: DispatchErrorOptions = {}) {
    super("timeout", message, options);
    this.name = "TimeoutError";
  }
}

/**
 * The caller's `AbortSignal` fired; `cause` holds the signal's reason.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const reading = client.getJob(id, { signal: controller.signal });
 * controller.abort(); // reading rejects with AbortError
 * ```
 */
export class AbortError extends DispatchError {
  constructor(message = "the operation was aborted", options: DispatchErrorOptions = {}) {
    super("aborted", message, { ...options, retryable: false });
    this.name = "AbortError";
  }
}

/**
 * What a call gets once its client is closed, on every transport and lane.
 * `cause` is what the close cut short, if anything.
 *
 * @example
 * ```ts
 * if (closed) return Promise.reject(clientClosedError());
 * ```
 */
export function clientClosedError(cause?: unknown): ConnectionError {
  return new ConnectionError("client closed", { closed: true, cause });
}

/**
 * Why a connection stopped retrying, worded the same on the socket and SSE:
 * `failures` counts every attempt that failed, the first one included.
 *
 * @example
 * ```ts
 * new ConnectionError(gaveUp(3, "socket closed (1006)")); // "gave up after 3 failed attempts: …"
 * ```
 */
export function gaveUp(failures: number, why: string): string {
  return `gave up after ${failures} failed attempt${failures === 1 ? "" : "s"}: ${why}`;
}

/** The `AbortError` for a signal that already fired, or `undefined`. */
export function abortedBy(signal: AbortSignal | undefined): AbortError | undefined {
  return signal?.aborted ? new AbortError(undefined, { cause: signal.reason }) : undefined;
}

/**
 * A bad argument, refused before anything was sent: an invalid channel, an
 * oversize or unserialisable payload, a missing token, a plain `ws:` URL off
 * loopback.
 *
 * @example
 * ```ts
 * try {
 *   client.subscribe(userInput as Channel);
 * } catch (err) {
 *   if (err instanceof ValidationError) showFieldError(err.message);
 * }
 * ```
 */
export class ValidationError extends DispatchError {
  constructor(message: string, options: DispatchErrorOptions = {}) {
    super("invalid_argument", message, options);
    this.name = "ValidationError";
  }
}

/** Builds the right subclass for an error frame the server sent. */
export function errorFromServer(code: number, message: string, details?: string): DispatchError {
  const options = details === undefined ? {} : { details };
  if (code === 401) return new AuthError(message, options);
  return new DispatchError(code, message, options);
}
