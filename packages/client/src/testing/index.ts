/**
 * `@dispatch/client/testing`: a scripted Dispatch server for unit tests
 * (Vitest, Jest), built on msw. Requires `msw` 2 as a dev dependency.
 *
 * @example
 * ```ts
 * import { createMockDispatch, jobEvent, wireJob } from "@dispatch/client/testing";
 * const mock = createMockDispatch({ url: "ws://localhost:7777/dwp" });
 * ```
 */

// The types this kit's README names, so a test needs one import: a handler
// answers a method of `Methods`, `emit` takes a `StreamEvent`.
export type { Method, Methods } from "../protocol/methods.js";
export type { StreamEvent, WireJob, WireRun, WireTimelineEntry } from "../protocol/types.js";
export {
  type MockAnswer,
  type MockHandler,
  type MockRequestData,
  type RawAnswer,
  rawAnswer,
} from "./mock-answer.js";
export { createMockDispatch, type MockDispatch, type MockDispatchOptions } from "./mock-dispatch.js";
export { MockError } from "./mock-error.js";
export { INITIAL_CREDITS } from "./mock-session.js";
export type { MockTokens } from "./scopes.js";
export type { ClientFrame } from "./server-codec.js";
export {
  base64Json,
  type JobInput,
  jobEvent,
  type RunInput,
  wireJob,
  wireRun,
  wireStats,
  workflowEvent,
} from "./wire.js";
