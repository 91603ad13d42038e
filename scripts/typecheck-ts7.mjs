// Type-checks every project of the repo once more with TypeScript 7, the
// native compiler and current release, after `tsc` (5.9) has: the DOM types
// change between versions (7.0's WebSocket#send takes no view of a
// SharedArrayBuffer), and a contributor on the newest compiler must get a
// clean check too. scripts/consumer-types.mjs covers what users compile
// (the published .d.ts); this covers our own sources.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const tsc = join(root, "node_modules/typescript-7.0/bin/tsc");
const PROJECTS = [
  "packages/client",
  "packages/react",
  "packages/dev-server",
  "apps/demo",
  "tests/faults",
  "tests/runtimes",
  "tests/packaging",
  "bench",
];

let failed = 0;
for (const project of PROJECTS) {
  const result = spawnSync(
    process.execPath,
    [tsc, "-p", join(root, project), "--noEmit", "--pretty", "false"],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  if (result.status !== 0) {
    failed++;
    console.error(
      `TypeScript 7 finds errors in ${project}:\n${result.stdout}${result.stderr}${result.error ?? ""}`,
    );
  }
}
if (failed > 0) process.exit(1);
console.log(`TypeScript 7: ${PROJECTS.length} projects type-check`);
