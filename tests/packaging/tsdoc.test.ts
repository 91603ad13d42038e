/**
 * Every public export carries TSDoc, and every public value (function,
 * class, constant) an example: the published entry points are read through
 * the TypeScript compiler, as an editor's hover would show them.
 */
import { resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRIES = [
  "packages/client/src/index.ts",
  "packages/client/src/codecs/msgpack.ts",
  "packages/client/src/testing/index.ts",
  "packages/react/src/index.ts",
  "packages/dev-server/src/index.ts",
  "packages/dev-server/src/demo/handlers.ts",
];

describe("TSDoc of the public API", () => {
  it("documents every export, with an example for every value", () => {
    const program = ts.createProgram(
      ENTRIES.map((entry) => resolve(ROOT, entry)),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        jsx: ts.JsxEmit.ReactJSX,
        customConditions: ["@dispatch/source"],
        noEmit: true,
      },
    );
    const checker = program.getTypeChecker();
    const missing: string[] = [];
    let seen = 0;
    for (const entry of ENTRIES) {
      const file = program.getSourceFile(resolve(ROOT, entry));
      const module = file && checker.getSymbolAtLocation(file);
      if (!module) throw new Error(`${entry} did not load`);
      for (const exported of checker.getExportsOfModule(module)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const declaration = symbol.declarations?.[0];
        if (!declaration) continue;
        seen++;
        const isType = (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) !== 0;
        const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
        const hasExample = ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "example");
        if (doc === "") missing.push(`${entry}: ${exported.name} has no TSDoc`);
        else if (!isType && !hasExample) missing.push(`${entry}: ${exported.name} has no @example`);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
