/** One reason a bundle would break, or pull Node code, in a browser. */
export interface BrowserHazard {
  file: string;
  line: number;
  rule: string;
  text: string;
}

// The rule, and why it is this precise:
// - `"node:…"` specifiers: no browser resolves them; any such import is a hard failure.
// - `Buffer`: a Node global; a browser throws ReferenceError on first use.
//   The client uses Uint8Array/TextEncoder only, so every mention is a hazard.
// - `process`: reading a missing global throws, but three forms never do, and
//   exactly these are allowed:
//     `typeof process`                       (typeof of an undeclared name is "undefined")
//     `globalThis.process` not followed by a plain `.` (a property read; env.ts
//                                             then uses `?.`, see packages/client/src/env.ts)
//     `process.x` on a line guarded by `typeof process !== "undefined" &&`
//                                            (partysocket's isNode check short-circuits)
//   Any other `process` reference (e.g. `process.env.NODE_ENV`) is a hazard.
// - `require(` / esbuild's `__require`: CommonJS left in an ESM browser bundle.
const SPECIFIER = /["'`]node:[\w/]+["'`]/;
const BUFFER = /(?<![\w$.])Buffer(?![\w$])/;
const REQUIRE = /(?<![\w$.])(?:__)?require\s*\(/;
const BARE_PROCESS = /(?<![\w$.])process(?![\w$])/g;
const TYPEOF_BEFORE = /typeof\s+$/;
const GUARD = /typeof\s+process\s*!==?\s*["']undefined["']\s*&&/;
const GLOBAL_PROCESS_DEREF = /globalThis\.process\s*\./;

function processHazard(line: string): string | undefined {
  if (GLOBAL_PROCESS_DEREF.test(line)) return "globalThis.process dereferenced without ?.";
  const guard = GUARD.exec(line);
  const guardEnd = guard ? guard.index + guard[0].length : Number.POSITIVE_INFINITY;
  for (const match of line.matchAll(BARE_PROCESS)) {
    if (TYPEOF_BEFORE.test(line.slice(Math.max(0, match.index - 12), match.index))) continue;
    // A reference is safe only once the guard on its line has short-circuited.
    if (match.index < guardEnd) {
      return guard ? "process used before its typeof guard" : "bare process reference without a typeof guard";
    }
  }
  return undefined;
}

/**
 * Scans bundled JavaScript for what breaks in a browser: `node:` imports,
 * `Buffer`, unguarded `process`, CommonJS `require`.
 *
 * @example
 * ```ts
 * expect(findBrowserHazards([{ path: "x.js", text: "process.env.X" }])).toHaveLength(1);
 * ```
 */
export function findBrowserHazards(files: ReadonlyArray<{ path: string; text: string }>): BrowserHazard[] {
  const hazards: BrowserHazard[] = [];
  for (const file of files) {
    const lines = file.text.split("\n");
    lines.forEach((text, index) => {
      const add = (rule: string): void => {
        hazards.push({ file: file.path, line: index + 1, rule, text: text.trim().slice(0, 160) });
      };
      if (SPECIFIER.test(text)) add("node: specifier");
      if (BUFFER.test(text)) add("Buffer global");
      if (REQUIRE.test(text)) add("CommonJS require");
      const processRule = processHazard(text);
      if (processRule) add(processRule);
    });
  }
  return hazards;
}
