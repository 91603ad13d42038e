import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";

const ROOT = resolve(import.meta.dirname, "../..");

/** Where `@dispatch/client` and its lazy chunks landed. */
export interface ClientBundle {
  /** The entry module, as a `file:` URL any runtime can `import()`. */
  entryUrl: string;
  /** Every output file (entry and chunks) with its text. */
  files: Array<{ path: string; text: string }>;
  metafile: Metafile;
}

/**
 * Bundles `@dispatch/client` with esbuild into `outdir`: ESM, code splitting
 * on, so the lazy imports (the msgpack codec, the slow lane, the fan-out
 * helpers) stay separate chunks loaded on demand, exactly as a user's bundler
 * would split them. The package is resolved through its own `exports` map
 * (the `@dispatch/source` condition, since `dist/` does not exist in a fresh
 * clone), so a broken export entry fails here too.
 *
 * `platform: "neutral"` for the runtime matrix (no Node or browser builtins
 * assumed: the same file must run on Node, Deno and Bun); `"browser"` for the
 * browser build check.
 *
 * @example
 * ```ts
 * const { entryUrl } = await bundleClient(dir, "neutral");
 * const { Dispatch } = await import(entryUrl);
 * ```
 */
export async function bundleClient(outdir: string, platform: "neutral" | "browser"): Promise<ClientBundle> {
  const result = await build({
    // Both public entries, named after their package specifiers.
    entryPoints: { client: "@dispatch/client", msgpack: "@dispatch/client/msgpack" },
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    format: "esm",
    platform,
    target: "es2022",
    outdir,
    conditions: ["@dispatch/source", "import", "default"],
    // "neutral" has no main fields by default; @msgpack/msgpack has no exports map.
    mainFields: ["module", "main"],
    metafile: true,
    write: true,
    logLevel: "silent",
  });
  const files = Object.keys(result.metafile.outputs).map((path) => ({ path, text: "" }));
  for (const file of files) file.text = await readFile(resolve(ROOT, file.path), "utf8");
  const entry = files.find((f) => /(^|\/)client\.js$/.test(f.path));
  if (!entry) throw new Error(`esbuild wrote no client.js entry in ${outdir}`);
  return { entryUrl: pathToFileURL(resolve(ROOT, entry.path)).href, files, metafile: result.metafile };
}
