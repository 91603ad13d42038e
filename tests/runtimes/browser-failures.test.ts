/**
 * The failures each runtime reports its own way (run-client.mjs checks Node,
 * Deno and Bun), checked in real Chromium with the same passes.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../apps/demo/test/browser.js";
import { bundleClient } from "./bundle.js";
import { documentedFailures } from "./documented-failures.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PASSES = join(import.meta.dirname, "failure-passes.mjs");
const TOKEN = "dk_test_browser_failures";
/** Puts the bundled client and the passes on `window`, for page.evaluate to call. */
const PAGE = `<!doctype html><title>failures</title><script type="module">
  import { Dispatch } from "/client.js";
  import * as passes from "/failure-passes.mjs";
  window.runPass = (pass, options) => passes[pass](Dispatch, options);
</script>`;

describe("the bundled client's failures in Chromium", () => {
  let outdir: string;
  let web: Server;
  let origin: string;
  let textMsgpack: DevServer;
  let refusedUrl: string;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), "dispatch-failures-"));
    const bundle = await bundleClient(outdir, "browser");
    const files = new Map(bundle.files.map((f) => [`/${f.path.split("/").at(-1)}`, resolve(ROOT, f.path)]));
    files.set("/failure-passes.mjs", PASSES);
    textMsgpack = await createDevServer({
      port: 0,
      host: "127.0.0.1",
      tokens: { [TOKEN]: { scopes: ["*"] } },
      msgpackAsText: true,
    });
    const closed = await createDevServer({ port: 0, host: "127.0.0.1" });
    refusedUrl = closed.url;
    await closed.close();
    web = createServer(async (req, res) => {
      const file = files.get(new URL(req.url ?? "/", "http://x").pathname);
      if (file) res.writeHead(200, { "Content-Type": "text/javascript" }).end(await readFile(file));
      else res.writeHead(200, { "Content-Type": "text/html" }).end(PAGE);
    });
    await new Promise<void>((done) => web.listen(0, "127.0.0.1", done));
    const address = web.address();
    origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    browser = await launchChromium();
  });

  afterEach(async () => {
    await context?.close();
  });

  afterAll(async () => {
    await browser?.close();
    await textMsgpack?.close();
    await new Promise((done) => web?.close(done));
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  /** Runs one pass in a fresh context: Chromium throttles a context's connects after failures. */
  async function run(pass: "textMsgpackPass" | "refusedPass", url: string): Promise<unknown> {
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => "runPass" in window);
    return page.evaluate(
      ({ pass, url, token }) => (window as unknown as PassWindow).runPass(pass, { url, token }),
      { pass, url, token: TOKEN },
    );
  }

  it("falls back to JSON when the server sends msgpack as text", async () => {
    expect(await run("textMsgpackPass", textMsgpack.url)).toEqual(documentedFailures.textMsgpack);
  });

  it("costs exactly maxRetries + 1 sockets for a refused connect, then says so", async () => {
    expect(await run("refusedPass", refusedUrl)).toEqual(documentedFailures.refused);
  });
});

interface PassWindow {
  runPass(pass: string, options: { url: string; token: string }): Promise<unknown>;
}
