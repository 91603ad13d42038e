/**
 * An error the mock answers with, as an `error` frame `{code, message}`.
 * Throw it (or return it) from a `mock.handle` handler; the client rejects
 * the call with the matching `DispatchError` subclass.
 *
 * @example
 * ```ts
 * mock.handle("job.get", () => {
 *   throw new MockError(404, "job not found");
 * });
 * ```
 */
export class MockError extends Error {
  /** The DWP error code: 400, 401, 403, 404, 405, 409, 500… */
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.name = "MockError";
    this.code = code;
  }
}

/** `{code, message}` for any thrown value: a numeric `code` is kept, anything else is a 500. */
export function toErrorDetail(err: unknown): { code: number; message: string } {
  if (typeof err === "object" && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const text = typeof message === "string" ? message : "internal error";
    return { code: typeof code === "number" ? code : 500, message: text };
  }
  return { code: 500, message: String(err) };
}
