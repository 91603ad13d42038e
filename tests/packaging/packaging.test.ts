import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeRun, type ProcessResult, runProcess } from "../runtimes/run-process.js";

// `npm run check:packages` (build, then publint, attw, size-limit and the
// consumer type checks on what npm would publish) as part of `npm test`: one
// run, one assertion per check, so a failure names the package and the tool.

const ROOT = resolve(import.meta.dirname, "../..");
const CHECK_TIMEOUT_MS = 200_000;
const PUBLISHED = ["packages/client", "packages/react", "packages/dev-server"];

let run: ProcessResult;

/** The verdict line `=== ok|FAIL <label> (… ms)` the check script prints for `label`. */
function verdict(label: string): string | undefined {
  const line = run.stdout.split("\n").find((l) => l.startsWith("=== ") && l.includes(` ${label} (`));
  return line?.slice(4, 8).trim();
}

/** The output printed under `label`'s verdict line, for failure messages. */
function section(label: string): string {
  const parts = run.stdout.split(/\n(?==== )/);
  return parts.find((p) => p.includes(` ${label} (`)) ?? describeRun(run);
}

beforeAll(async () => {
  run = await runProcess("npm", ["run", "check:packages"], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeoutMs: CHECK_TIMEOUT_MS,
  });
}, CHECK_TIMEOUT_MS + 10_000);

describe("what each published package carries", () => {
  const license = readFileSync(resolve(ROOT, "LICENSE"), "utf8");
  for (const pkg of PUBLISHED) {
    it(`${pkg} ships the project's LICENSE, as its "license" field says`, () => {
      expect(readFileSync(resolve(ROOT, pkg, "LICENSE"), "utf8")).toBe(license);
    });
    it(`${pkg}'s README links nothing outside the package (the tarball has only the package)`, () => {
      const readme = readFileSync(resolve(ROOT, pkg, "README.md"), "utf8");
      expect(readme.match(/\]\(\.\.\/[^)]*\)/g) ?? []).toEqual([]);
    });
  }
});

describe("npm run check:packages", () => {
  it("builds and finishes in time", () => {
    expect(run.timedOut, describeRun(run)).toBe(false);
    expect(run.stdout, describeRun(run)).toMatch(/^=== /m);
  });

  for (const pkg of PUBLISHED) {
    it(`publint --strict passes for ${pkg}`, () => {
      expect(verdict(`publint ${pkg}`), section(`publint ${pkg}`)).toBe("ok");
    });
    it(`attw (esm-only profile) passes for ${pkg}`, () => {
      expect(verdict(`attw ${pkg}`), section(`attw ${pkg}`)).toBe("ok");
    });
  }

  for (const pkg of PUBLISHED) {
    it(`${pkg}'s types name only the package itself, its dependencies and peers`, () => {
      // A type inferred through a dependency's dependency (react-query's
      // query-core) is written as import("that package"): under pnpm or Yarn
      // PnP it does not resolve, and the user's types fall to unknown.
      const manifest = JSON.parse(readFileSync(resolve(ROOT, pkg, "package.json"), "utf8")) as {
        name: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      const allowed = new Set([
        manifest.name,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]);
      const named = new Set<string>();
      const dist = resolve(ROOT, pkg, "dist");
      for (const file of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
        if (!file.endsWith(".d.ts")) continue;
        // Comments out: a TSDoc example may import anything.
        const text = readFileSync(join(dist, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
        for (const [, spec] of text.matchAll(/(?:from |import\()"([^".][^"]*)"/g)) {
          const bare = spec!.startsWith("@") ? spec!.split("/").slice(0, 2).join("/") : spec!.split("/")[0]!;
          if (!bare.startsWith("node:") && !allowed.has(bare)) named.add(`${bare} (${file})`);
        }
      }
      expect([...named]).toEqual([]);
    });
  }

  it("every package of ours another one uses is a peer, with a range, never a pinned dependency", () => {
    // A pinned dependency nests a second copy of @dispatch/client as soon as
    // the app's differs: two DispatchError classes (instanceof fails on a
    // hook's error) and a `client` prop that no longer type-checks.
    const wrong: string[] = [];
    for (const pkg of PUBLISHED) {
      const manifest = JSON.parse(readFileSync(resolve(ROOT, pkg, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      for (const name of Object.keys(manifest.dependencies ?? {})) {
        if (name.startsWith("@dispatch/")) wrong.push(`${pkg}: ${name} in dependencies`);
      }
      for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
        if (name.startsWith("@dispatch/") && !range.startsWith("^")) wrong.push(`${pkg}: ${name}@${range}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("no member marked @internal reaches a published .d.ts", () => {
    // Subscription.deliver/confirm/end would let a user forge events into an iterator.
    const leaked: string[] = [];
    for (const pkg of PUBLISHED) {
      const dist = resolve(ROOT, pkg, "dist");
      for (const file of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
        if (file.endsWith(".d.ts") && readFileSync(join(dist, file), "utf8").includes("@internal")) {
          leaked.push(`${pkg}/dist/${file}`);
        }
      }
    }
    expect(leaked).toEqual([]);
  });

  it("every size-limit budget holds", () => {
    expect(verdict("size-limit"), section("size-limit")).toBe("ok");
  });

  it("the READMEs' examples type-check against dist under TypeScript 5.0, 5.9, 6.0 and 7.0, several settings", () => {
    // scripts/consumer-types.mjs: one verdict line per compiler and setting.
    const rows = run.stdout.split("\n").filter((l) => /^=== (ok|FAIL) +types /.test(l));
    expect(rows.length, describeRun(run)).toBeGreaterThanOrEqual(7);
    expect(
      rows.some((l) => / types 7\.0 /.test(l)),
      describeRun(run),
    ).toBe(true);
    const failed = rows.filter((l) => l.startsWith("=== FAIL"));
    expect(failed, failed.map((l) => section(l.slice(9, l.lastIndexOf(" (")))).join("\n")).toEqual([]);
  });

  it("the project's own tsc is TypeScript 5.9, not the 7.0 kept for the consumer checks", () => {
    // Both declare a `tsc` bin. A fresh install links the project's; adding or
    // updating the alias on an existing install can let 7.0 take the link,
    // and every build and typecheck would silently change compiler. The fix
    // is `rm -rf node_modules && npm install`.
    const linked = realpathSync(resolve(ROOT, "node_modules/.bin/tsc"));
    expect(linked).toBe(realpathSync(resolve(ROOT, "node_modules/typescript/bin/tsc")));
  });

  it("a plain Node script at the root imports the built packages", () => {
    expect(verdict("import from dist"), section("import from dist")).toBe("ok");
  });

  it("exits 0", () => {
    expect(run.code, describeRun(run)).toBe(0);
  });
});
