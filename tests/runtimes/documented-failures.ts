import { expect } from "vitest";

/**
 * What `failure-passes.mjs` must report in every runtime: one answer for
 * failures each runtime signals its own way.
 */
export const documentedFailures = {
  // Deno closes with code 0 and browsers with 1006; both must fall back.
  textMsgpack: { format: "json", warned: true },
  // maxRetries 2: the first attempt and two retries, then a ConnectionError.
  refused: {
    created: 3,
    error: {
      name: "ConnectionError",
      code: "connection_lost",
      message: expect.stringMatching(/^gave up after 3 failed attempts: socket closed \(1006/),
    },
  },
};
