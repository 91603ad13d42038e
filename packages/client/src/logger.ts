/**
 * Where the client reports what it ignores or works around. `console` is one.
 *
 * @example
 * ```ts
 * const client = new Dispatch({ url, token, logger: { warn: (m, ...d) => Sentry.captureMessage(m, { extra: { d } }) } });
 * ```
 */
export interface Logger {
  /** Every frame, with `DISPATCH_DEBUG=1`; each SSE stream opened. */
  debug?(message: string, ...details: unknown[]): void;
  /** A frame ignored, a fallback taken (msgpack sent as text), a subscription listener of yours that threw. */
  warn(message: string, ...details: unknown[]): void;
  /** Not called by the client; allowed so that `console` and most loggers fit as they are. */
  error?(message: string, ...details: unknown[]): void;
}

/**
 * A logger that writes to the console, used when `DISPATCH_DEBUG=1`. No
 * `error`: the client never calls it.
 */
export const consoleLogger: Logger = {
  debug: (message, ...details) => console.debug(`[dispatch] ${message}`, ...details),
  warn: (message, ...details) => console.warn(`[dispatch] ${message}`, ...details),
};

type LogMethod = (message: string, ...details: unknown[]) => void;

/**
 * Your logger, made harmless: a method that throws is ignored. What the
 * client reports must never break what it does (a trace that threw after
 * the server ran an enqueue would have failed the call, inviting a second).
 * Only the methods the client calls are kept: it never calls `error`.
 */
export function guardLogger(logger: Logger | undefined): Logger | undefined {
  if (logger === undefined) return undefined;
  const guard =
    (method: LogMethod): LogMethod =>
    (message, ...details) => {
      try {
        method.call(logger, message, ...details);
      } catch {
        // Nowhere left to report it.
      }
    };
  const guarded: Logger = { warn: guard(logger.warn) };
  if (logger.debug) guarded.debug = guard(logger.debug);
  return guarded;
}

const TOKEN_FIELD = /("token"\s*:\s*")[^"]*(")/g;

/** Hides tokens in a logged frame, as dispatch-py's trace output does. */
export function redact(text: string): string {
  return text.replace(TOKEN_FIELD, "$1[redacted]$2");
}
