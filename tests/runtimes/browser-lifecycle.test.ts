/**
 * The client's answers to the page's network and lifecycle events, in real
 * Chromium. The backoff is set to a minute, so a reconnect within seconds can
 * only come from the event under test.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRpcClient } from "@dispatch/client";
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchChromium } from "../../apps/demo/test/browser.js";
import { bundleClient } from "./bundle.js";

const ROOT = resolve(import.meta.dirname, "../..");
/** Far longer than any wait below: only the page's events can explain a prompt reconnect. */
const BACKOFF_MS = 60_000;
const PROMPT = { timeout: 10_000 };

/** The page under test: a client that connects and follows the `jobs` channel. */
function appPage(dwpUrl: string): string {
  return `<!doctype html><title>app</title><script type="module">
    import { Dispatch } from "/client.js";
    const client = new Dispatch({
      url: ${JSON.stringify(dwpUrl)},
      token: "dk_test_browser",
      minReconnectDelay: ${BACKOFF_MS},
      maxReconnectDelay: ${BACKOFF_MS},
      heartbeatInterval: 0,
    });
    window.restored = false;
    addEventListener("pageshow", (event) => { if (event.persisted) window.restored = true; });
    window.client = client;
    window.subReady = false;
    client.subscribe("jobs").ready.then(() => { window.subReady = true; });
  </script>`;
}

describe("the client in Chromium, across page and network events", () => {
  let outdir: string;
  let web: Server;
  let origin: string;
  let dev: DevServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), "dispatch-lifecycle-"));
    const bundle = await bundleClient(outdir, "browser");
    const chunks = new Map(bundle.files.map((f) => [`/${f.path.split("/").at(-1)}`, f.path]));
    dev = await createDevServer({ port: 0, host: "127.0.0.1" });
    web = createServer(async (req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const chunk = chunks.get(path);
      if (chunk) {
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(await readFile(resolve(ROOT, chunk)));
      } else if (path === "/") {
        res.writeHead(200, { "Content-Type": "text/html" }).end(appPage(dev.url));
      } else {
        res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>elsewhere</title>");
      }
    });
    await new Promise<void>((done) => web.listen(0, "127.0.0.1", done));
    const address = web.address();
    origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    // Playwright turns the back/forward cache off by default; the test needs it.
    browser = await launchChromium({ ignoreDefaultArgs: ["--disable-back-forward-cache"] });
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(
      () => (window as unknown as AppWindow).client.state === "open",
      undefined,
      PROMPT,
    );
  });

  afterEach(async () => {
    await context?.close();
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.close();
    await new Promise((done) => web?.close(done));
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  const state = () => page.evaluate(() => (window as unknown as AppWindow).client.state);
  const subscribers = async () =>
    (await createRpcClient({ url: dev.url, token: "dk_test_probe" }).stats()).broker.subscriber_count;

  it("reconnects as soon as the network is back, not after its minute of backoff", async () => {
    await context.setOffline(true);
    dev.dropConnections();
    await page.waitForFunction(
      () => (window as unknown as AppWindow).client.state === "reconnecting",
      PROMPT,
    );
    await context.setOffline(false);
    await page.waitForFunction(
      () => (window as unknown as AppWindow).client.state === "open",
      undefined,
      PROMPT,
    );
    expect(await state()).toBe("open");
  });

  it("lets go of its session while the page is in the back/forward cache, and is back at once", async () => {
    await page.waitForFunction(() => (window as unknown as AppWindow).subReady, undefined, PROMPT);
    expect(await subscribers()).toBe(1);
    await page.goto(`${origin}/elsewhere`);
    // The cached page dropped its session: the server holds no subscriber for it.
    await expect.poll(subscribers, PROMPT).toBe(0);
    // A page restored from the cache fires no load event, only pageshow.
    await page.goBack({ waitUntil: "commit" });
    await page.waitForFunction(() => (window as unknown as AppWindow).restored, undefined, PROMPT);
    await page.waitForFunction(
      () => (window as unknown as AppWindow).client.state === "open",
      undefined,
      PROMPT,
    );
    await expect.poll(subscribers, PROMPT).toBe(1);
  });
});

interface AppWindow {
  client: { state: string };
  subReady: boolean;
  restored: boolean;
}
