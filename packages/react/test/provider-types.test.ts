// Compile-time check, run by the type checker in `npm run typecheck`: the
// provider's declared return type is one TypeScript before 5.1 accepts from a
// JSX component (`JSX.Element | null`). Declared as ReactNode it "cannot be
// used as a JSX component" there; tests/packaging checks with 5.0 itself too.
// The test body only keeps the check from being unused.
import type { JSX } from "react";
import { describe, expect, it } from "vitest";
import { DispatchProvider } from "../src/index.js";

/** Never called. */
function typeChecks(): JSX.Element | null {
  return DispatchProvider({ url: "ws://127.0.0.1:7777/dwp", token: "t" });
}

describe("DispatchProvider types", () => {
  it("returns what a JSX component must before TypeScript 5.1", () => {
    expect(typeChecks).toBeTypeOf("function");
  });
});
