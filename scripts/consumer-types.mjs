// Type-checks tests/packaging/consumer/ (the READMEs' examples, as a user
// would write them) against the BUILT packages' .d.ts, under the compiler
// versions and settings users have and we do not: our own tsconfig is one
// point (TypeScript 5.9, bundler, skipLibCheck), and a declaration that
// only fits there breaks other projects. Every row has skipLibCheck off, so
// errors inside our .d.ts count.
//
// 5.0 and 6.0 are devDependencies aliased to @tsd/typescript, which ships
// upstream TypeScript's tsc.js and lib files unchanged but declares no `tsc`
// bin: an alias of `typescript` itself races the real one for
// node_modules/.bin/tsc. 7.0, the native compiler, has no such repackaging,
// so it is an alias of `typescript@7` after all; a fresh install links the
// project's 5.9, and tests/packaging checks that it did.
//
// Errors located in a third party's own .d.ts are reported and ignored: with
// TypeScript 5.0, TanStack Query's types use NoInfer (5.4) and @types/node 22
// has errors of its own. Ours, and the consumer files', fail the row.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const TSC = {
  "5.0": "node_modules/typescript-5.0/typescript/lib/tsc.js",
  5.9: "node_modules/typescript/lib/tsc.js",
  "6.0": "node_modules/typescript-6.0/typescript/lib/tsc.js",
  // The native compiler: a launcher that runs this platform's binary.
  "7.0": "node_modules/typescript-7.0/bin/tsc",
};

const ALL = ["client.ts", "testing.ts", "react.tsx", "dev-server.ts"];
const DOM = ["ES2022", "DOM", "DOM.Iterable"];
const strict = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true };

/** label, compiler, options on top of BASE, consumer files. */
const ROWS = [
  // TypeScript 5.0: no `using` (5.2), no esnext.disposable lib; @types/node declares the symbols.
  ["5.0 strict bundler", "5.0", { ...strict, lib: DOM }, ALL],
  [
    "5.9 strict:false nodenext",
    "5.9",
    { strict: false, module: "NodeNext", moduleResolution: "NodeNext" },
    [...ALL, "using.ts"],
  ],
  // A Node project: no DOM lib; @types/node supplies WebSocket, fetch, events.
  [
    "5.9 node, no lib dom",
    "5.9",
    { ...strict, lib: ["ES2022", "ESNext.Disposable"] },
    ["client.ts", "dev-server.ts", "using.ts"],
  ],
  // A browser project: no @types/node.
  ["5.9 browser, no @types/node", "5.9", { ...strict, types: [] }, ["browser.ts"]],
  // The newest, strictest row (our own tsconfig is 5.9, strict, exactOptionalPropertyTypes).
  // 6.0's DOM types take BufferSource (views of an ArrayBuffer only) in WebSocket#send.
  ["6.0 strict exactOptionalPropertyTypes bundler", "6.0", strict, [...ALL, "using.ts", "browser.ts"]],
  // The current release: the same settings, and a Node server project's.
  ["7.0 strict exactOptionalPropertyTypes bundler", "7.0", strict, [...ALL, "using.ts", "browser.ts"]],
  [
    "7.0 node nodenext, no lib dom",
    "7.0",
    { ...strict, module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "ESNext.Disposable"] },
    ["client.ts", "dev-server.ts", "using.ts"],
  ],
];

const BASE = {
  target: "ES2022",
  module: "ESNext",
  moduleResolution: "Bundler",
  jsx: "react-jsx",
  lib: [...DOM, "ESNext.Disposable"],
  types: ["node"],
  skipLibCheck: false,
  noEmit: true,
};

/** `path(line,col): error TS…` lines, split into ours and third parties'. */
function errors(output) {
  const lines = output.split("\n").filter((line) => /error TS\d+/.test(line));
  // Workspace packages resolve through their symlinks to packages/*/dist.
  const theirs = lines.filter(
    (line) => line.includes("node_modules/") && !line.includes("node_modules/@dispatch/"),
  );
  return { ours: lines.filter((line) => !theirs.includes(line)), theirs };
}

/**
 * Runs every row, printing `=== ok|FAIL types <label> (… ms)` verdicts like
 * check-packages.mjs. Returns the labels that failed.
 */
export function checkConsumerTypes(root) {
  // Inside node_modules, so the configs find node_modules/@types as a project's would.
  const dir = mkdtempSync(join(root, "node_modules/.cache-consumer-types-"));
  const failed = [];
  try {
    for (const [label, version, options, files] of ROWS) {
      const started = Date.now();
      const config = join(dir, `${label.replace(/\W+/g, "-")}.json`);
      const compilerOptions = { ...BASE, ...options };
      const paths = files.map((file) => join(root, "tests/packaging/consumer", file));
      writeFileSync(config, JSON.stringify({ compilerOptions, files: paths }));
      const result = spawnSync(
        process.execPath,
        [join(root, TSC[version]), "-p", config, "--pretty", "false"],
        {
          cwd: root,
          encoding: "utf8",
          timeout: 90_000,
        },
      );
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
      const { ours, theirs } = errors(output);
      // A crash or a config error prints no located error: still a failure.
      const ok = ours.length === 0 && (result.status === 0 || theirs.length > 0) && !result.error;
      console.log(`\n=== ${ok ? "ok  " : "FAIL"} types ${label} (${Date.now() - started} ms)`);
      if (!ok) console.log((ours.length > 0 ? ours.join("\n") : output.trim()) || String(result.error));
      if (theirs.length > 0) console.log(`(${theirs.length} errors in dependencies' own types ignored)`);
      if (!ok) failed.push(`types ${label}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failed;
}
