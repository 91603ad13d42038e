import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserHazards } from "./browser-safety.js";
import { bundleClient, type ClientBundle } from "./bundle.js";

describe("the hazard scanner", () => {
  const scan = (text: string) => findBrowserHazards([{ path: "x.js", text }]).map((h) => h.rule);

  it("flags node: imports, Buffer, CommonJS and unguarded process", () => {
    expect(scan('import { readFile } from "node:fs/promises";')).toEqual(["node: specifier"]);
    expect(scan("const b = Buffer.from(text);")).toEqual(["Buffer global"]);
    expect(scan('const ws = __require("ws");')).toEqual(["CommonJS require"]);
    expect(scan("if (process.env.NODE_ENV) x();")).toEqual(["bare process reference without a typeof guard"]);
    expect(scan("const env = globalThis.process.env;")).toEqual([
      "globalThis.process dereferenced without ?.",
    ]);
    expect(scan('const a = process.version && typeof process !== "undefined" && 1;')).toEqual([
      "process used before its typeof guard",
    ]);
  });

  it("accepts the guarded forms the client and partysocket use", () => {
    expect(scan("const proc = globalThis.process;")).toEqual([]);
    expect(scan("const value = proc?.env?.[name];")).toEqual([]);
    expect(
      scan('var isNode = typeof process !== "undefined" && typeof process.versions?.node !== "undefined";'),
    ).toEqual([]);
    // Names that merely contain the words, and property names, are fine (esbuild drops comments).
    expect(scan("const isBuffer = x.Buffer; const processed = 1; job.process();")).toEqual([]);
  });
});

describe("the client bundled for browsers", () => {
  let outdir: string;
  let bundle: ClientBundle;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), "dispatch-browser-"));
    bundle = await bundleClient(outdir, "browser");
  });
  afterAll(async () => {
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it("contains partysocket and the msgpack chunk, and nothing that needs Node", () => {
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((path) => path.includes("node_modules/partysocket/"))).toBe(true);
    expect(inputs.some((path) => path.includes("node_modules/@msgpack/msgpack/"))).toBe(true);
    expect(inputs.some((path) => /node_modules\/ws\//.test(path))).toBe(false);
    expect(findBrowserHazards(bundle.files)).toEqual([]);
  });

  it("loads msgpack only on demand: the JSON entry imports it dynamically, never statically", () => {
    const outputs = bundle.metafile.outputs;
    const entryPath = Object.keys(outputs).find((path) => path.endsWith("/client.js"));
    expect(entryPath).toBeDefined();
    const imports = outputs[entryPath ?? ""]?.imports ?? [];
    const msgpack = imports.filter((i) => i.path.endsWith("/msgpack.js"));
    expect(msgpack.map((i) => i.kind)).toEqual(["dynamic-import"]);
    // And no static import of the entry pulls @msgpack/msgpack in through a shared chunk.
    const staticChunks = imports.filter((i) => i.kind === "import-statement").map((i) => i.path);
    for (const chunk of staticChunks) {
      const chunkInputs = Object.keys(outputs[chunk]?.inputs ?? {});
      expect(chunkInputs.filter((path) => path.includes("@msgpack/msgpack"))).toEqual([]);
    }
  });
});
