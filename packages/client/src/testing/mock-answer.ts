import type { Method, Methods } from "../protocol/methods.js";
import { MockError } from "./mock-error.js";
import type { ClientFrame } from "./server-codec.js";

/**
 * A response `data` the mock sends exactly as given, unchecked: made by
 * `rawAnswer`, for tests of how a client copes with an answer the server
 * would never send.
 *
 * @example
 * ```ts
 * mock.handle("stats", () => rawAnswer({ connections: "many" })); // a RawAnswer
 * ```
 */
export class RawAnswer {
  // A private field makes the class nominal: a plain `{ data }` returned by
  // mistake must not pass the type check as an unchecked answer.
  readonly #data: unknown;

  constructor(data: unknown) {
    this.#data = data;
  }

  /** The response `data`; `undefined` sends none. */
  get data(): unknown {
    return this.#data;
  }
}

/**
 * Opts one answer out of the handler's type check: `data` goes out as the
 * response's `data` as it is (`undefined`: no `data` at all, even for
 * `subscribe`, which otherwise gets the default answer). For malformed or
 * partial answers; anything else should be what the server sends.
 *
 * @example
 * ```ts
 * mock.handle("job.get", () => rawAnswer({ id: 42 })); // a job.get answer no server sends
 * await expect(client.getJob("job_01h455vb4pex5vsknk084sn02q")).resolves.toEqual({ id: 42, payload: null });
 * ```
 */
export function rawAnswer(data: unknown): RawAnswer {
  return new RawAnswer(data);
}

/** The request data of `method`: typed for DWP methods, `unknown` for others. */
export type MockRequestData<M extends string> = M extends keyof Methods ? Methods[M][0] : unknown;

/**
 * What a handler of `method` answers with: the method's result as the server
 * sends it (base64 fields as strings: see `wireJob`, `wireRun`). `subscribe`
 * and `unsubscribe` may also answer `undefined`, for the server's own answer.
 *
 * @example
 * ```ts
 * const answer: MockAnswer<"job.cancel"> = { status: "cancelled" };
 * ```
 */
export type MockAnswer<M extends Method> = M extends "subscribe" | "unsubscribe"
  ? Methods[M][1] | undefined
  : Methods[M][1];

/** An answer, an error frame, or an unchecked answer. */
type MockOutcome<M extends Method> = MockAnswer<M> | MockError | RawAnswer;

/** The handler of the one method `M`. */
type OneMethodHandler<M extends Method> = (
  data: MockRequestData<M>,
  frame: ClientFrame,
) => MockOutcome<M> | PromiseLike<MockOutcome<M>>;

/** `A | B` as `A & B`. */
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never;

/**
 * Answers one method: return the response `data` the server would send (or
 * a promise of it, to hold the answer back); throw or return a `MockError`
 * for an error frame; return `rawAnswer(data)` to send anything else.
 *
 * For a union of methods (a name chosen at run time), the handler must fit
 * each of them: it may be asked either, so a job where a cancel result is
 * due fails to compile, while `MockError`, `rawAnswer` and answers every
 * method shares (`undefined` for subscribe and unsubscribe) stay allowed.
 * (A plain function type over the union would take either answer for either
 * method.) For one method this is that method's handler, nothing more.
 *
 * @example
 * ```ts
 * const getJob: MockHandler<"job.get"> = ({ job_id }) => wireJob({ id: job_id, state: "running" });
 * mock.handle("job.get", getJob);
 * ```
 */
export type MockHandler<M extends Method = Method> = UnionToIntersection<
  M extends Method ? OneMethodHandler<M> : never
>;

/** A handler as the mock stores it, whatever its method. */
export type AnyHandler = (data: unknown, frame: ClientFrame) => unknown;

/**
 * What a handler's settled result sends: a `MockError` is thrown (becoming
 * an error frame); `raw` says the data must go out as is, never replaced by
 * a default answer.
 */
export function settle(result: unknown): { data: unknown; raw: boolean } {
  if (result instanceof MockError) throw result;
  if (result instanceof RawAnswer) return { data: result.data, raw: true };
  return { data: result, raw: false };
}
