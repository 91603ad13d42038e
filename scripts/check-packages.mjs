// `npm run check:packages`: checks what npm would publish, after a build
// (the package.json script builds first; dist/ is not in git).
//
//   publint --strict   package.json fields, exports and files against the packed tarball
//   attw --pack        types resolve for every export under each module resolution
//   size-limit         the budgets in .size-limit.mjs
//   types …            the READMEs' examples type-check against dist under
//                      TypeScript 5.0, 5.9, 6.0 and 7.0 and several settings
//                      (scripts/consumer-types.mjs)
//
// attw runs with `--profile esm-only`: the packages are ESM only ("type":
// "module", no "require" condition, engines node >= 20.19 where require(esm)
// works), so the node10 and "node16 from CJS" columns are not failures. Every
// other rule stays on.
//
// Plain JavaScript so it needs no loader; exits non-zero when any check fails.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkConsumerTypes } from "./consumer-types.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "node_modules/.bin");
const PUBLISHED = ["packages/client", "packages/react", "packages/dev-server"];

/** Runs a local binary, echoing its output; returns whether it exited 0. */
function run(label, bin, args) {
  const started = Date.now();
  const result = spawnSync(join(BIN, bin), args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`
    .split("\n")
    .filter((line) => !line.includes('Unknown user config "nodedir"'))
    .join("\n")
    .trim();
  const ok = result.status === 0;
  console.log(`\n=== ${ok ? "ok  " : "FAIL"} ${label} (${Date.now() - started} ms)`);
  if (output) console.log(output);
  if (result.error) console.log(String(result.error));
  return ok;
}

const failures = [];
for (const pkg of PUBLISHED) {
  if (!existsSync(join(ROOT, pkg, "dist/index.js"))) {
    console.log(`\n=== FAIL ${pkg}: dist/index.js is missing; run npm run build first`);
    failures.push(`${pkg} build`);
    continue;
  }
  if (!run(`publint ${pkg}`, "publint", ["--strict", pkg])) failures.push(`publint ${pkg}`);
  const attwArgs = ["--pack", pkg, "--profile", "esm-only", "--format", "ascii", "--no-color"];
  if (!run(`attw ${pkg}`, "attw", attwArgs)) failures.push(`attw ${pkg}`);
}
if (!run("size-limit", "size-limit", [])) failures.push("size-limit");
failures.push(...checkConsumerTypes(ROOT));

// A plain Node script at the repository root imports the built packages (no
// source condition, no loader): what a user of the published packages gets.
const importCheck = `
  const client = await import("@dispatch/client");
  const server = await import("@dispatch/dev-server");
  const react = await import("@dispatch/react");
  if (typeof client.Dispatch !== "function" || typeof server.createDevServer !== "function" || typeof react.useJob !== "function") {
    throw new Error("missing exports");
  }
  if (!import.meta.resolve("@dispatch/client").endsWith("/dist/index.js")) throw new Error("not the built dist");
`;
{
  const started = Date.now();
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", importCheck], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const ok = result.status === 0;
  console.log(`\n=== ${ok ? "ok  " : "FAIL"} import from dist (${Date.now() - started} ms)`);
  if (!ok) {
    console.log(`${result.stdout}${result.stderr}`.trim());
    failures.push("import from dist");
  }
}

if (failures.length > 0) {
  console.log(`\ncheck:packages failed: ${failures.join(", ")}`);
  process.exit(1);
}
console.log(
  "\ncheck:packages: every published package passes publint, attw, its size budget and the type checks",
);
