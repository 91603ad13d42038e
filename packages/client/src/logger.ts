/** Where the client reports what it ignores or works around. */
export interface Logger {
  debug?(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error?(message: string, ...details: unknown[]): void;
}

/** A logger that writes to the console, used when `DISPATCH_DEBUG=1`. */
export const consoleLogger: Logger = {
  debug: (message, ...details) => console.debug(`[dispatch] ${message}`, ...details),
  warn: (message, ...details) => console.warn(`[dispatch] ${message}`, ...details),
  error: (message, ...details) => console.error(`[dispatch] ${message}`, ...details),
};

const TOKEN_FIELD = /("token"\s*:\s*")[^"]*(")/g;

/** Hides tokens in a logged frame, as dispatch-py's trace output does. */
export function redact(text: string): string {
  return text.replace(TOKEN_FIELD, "$1[redacted]$2");
}
