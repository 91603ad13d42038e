/**
 * End to end, in real Chromium: the dashboard against the dev server, through
 * the same startDemo() that `npm start` uses. The scenarios share one page and
 * run in order; console errors are collected throughout and checked last.
 */
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { JobContext } from "@dispatch/dev-server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../scripts/serve.js";
import { collectConsole, launchChromium, unexpected } from "./browser.js";
import { DashboardPage, WAIT } from "./dashboard-page.js";

const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Deterministic flaky-job: the first attempt fails, the retry succeeds. */
async function flakyOnce(ctx: JobContext): Promise<void> {
  await delay(400, ctx.signal);
  if (ctx.attempt === 1) throw new Error("flaky-job: transient failure on attempt 1");
}

describe("dashboard in Chromium", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  let ui: DashboardPage;
  let consoleLog: ReturnType<typeof collectConsole>;

  beforeAll(async () => {
    demo = await startDemo({
      port: 0,
      devServerPort: 0,
      jobs: { "flaky-job": flakyOnce },
      // Long enough that `retrying` is on screen for a while, short enough to finish fast.
      backoff: () => 1_500,
      // No worker takes the "parked" queue, so a job there stays pending until cancelled.
      queues: ["default"],
      logLevel: "silent",
      cacheDir: "node_modules/.vite-e2e",
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    consoleLog = collectConsole(page);
    ui = new DashboardPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it("loads and shows the connection as connected", async () => {
    await page.goto(demo.url);
    await ui.waitConnected("json", 30_000);
    // What a screen reader announces (an <output> is a status) and what the eye reads.
    const status = page.getByRole("status", { name: "Connection: connected, format json" });
    // biome-ignore lint/performance/useDomNodeTextContent: the text as laid out is what the eye reads
    expect((await status.innerText()).replace(/\s+/g, " ")).toBe("connected json");
  });

  it("enqueues send-email and shows it reach completed", async () => {
    const id = await ui.enqueue("send-email");
    expect(id).toMatch(/^job_/);
    expect(await ui.jobState(id, "completed")).toBe("completed");
  });

  it("shows flaky-job retrying, then its final state", async () => {
    const id = await ui.enqueue("flaky-job");
    expect(await ui.jobState(id, "retrying")).toBe("retrying");
    expect(await ui.jobState(id, "completed")).toBe("completed");
    await page.locator(`tr[data-job-id="${id}"]`).click();
    const detail = page.locator(`[data-detail-job="${id}"]`);
    await detail.getByText("flaky-job: transient failure on attempt 1").first().waitFor(WAIT);
  });

  it("runs order-pipeline to the end once payment-received is sent", async () => {
    const runId = await ui.startRun();
    expect(runId).toMatch(/^wfrun_/);
    await ui.step(runId, "charge", "completed").waitFor(WAIT);
    await ui.step(runId, "wait:payment-received", "active").waitFor(WAIT);
    await page.getByRole("button", { name: "Send payment-received" }).click();
    await ui.runCompleted(runId);
    for (const step of ["validate", "charge", "wait:payment-received", "ship"]) {
      expect(await ui.step(runId, step, "completed").count()).toBe(1);
    }
  });

  it("reconnects after a server restart and shows the job that finished meanwhile as completed", async () => {
    const id = await ui.enqueue("slow-job", '{ "ms": 1200 }');
    await ui.jobState(id, "running");
    consoleLog.fault = true;
    const restarted = demo.devServer.restart({ downMs: 3_000 });
    await ui.connection("reconnecting").waitFor(WAIT);
    // A workflow started while the server is down waits for it, on a socket of
    // its own. (Its start event may come before the page has subscribed again,
    // so the server says whether it started.)
    const runStarted = new Promise<void>((resolve) => {
      const off = demo.devServer.engine.onEvent((event) => {
        if (event.type !== "workflow.started") return;
        off();
        resolve();
      });
    });
    await page.getByRole("button", { name: "Start order-pipeline" }).click();
    await restarted;
    // The job finished on the server while the page could not hear about it.
    expect(demo.devServer.engine.getJob(id)?.state).toBe("completed");
    await ui.waitConnected("json", 30_000);
    await runStarted;
    consoleLog.fault = false;
    // Stale `running` here would mean the reconnect gap was not refetched.
    expect(await ui.jobState(id, "completed")).toBe("completed");
  });

  it("switches to msgpack and runs send-email there too", async () => {
    await page.getByRole("radio", { name: "msgpack" }).check();
    await ui.waitConnected("msgpack", 30_000);
    // A reload opens in the format chosen.
    expect(new URL(page.url()).searchParams.get("format")).toBe("msgpack");
    const id = await ui.enqueue("send-email");
    expect(await ui.jobState(id, "completed")).toBe("completed");
  });

  it("cancels a pending job from its row", async () => {
    const id = await ui.enqueue("send-email", undefined, "parked");
    expect(await ui.jobState(id, "pending")).toBe("pending");
    await page.getByRole("button", { name: `Cancel job ${id}` }).click();
    expect(await ui.jobState(id, "cancelled")).toBe("cancelled");
    expect(demo.devServer.engine.getJob(id)?.state).toBe("cancelled");
  });

  it("fits a busy dashboard in a phone's width, and saves screenshots of it", async () => {
    const ids = [
      await ui.enqueue("resize-image"),
      await ui.enqueue("slow-job", '{ "ms": 20000 }'),
      await ui.enqueue("always-fails"),
      await ui.enqueue("flaky-job"),
    ];
    await ui.startRun();
    await ui.jobState(ids[0]!, "running");
    await page.locator(`tr[data-job-id="${ids[0]}"]`).click();
    await page.locator(`[data-detail-job="${ids[0]}"]`).waitFor(WAIT);
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}dashboard.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      // Nothing wider than the screen: no sideways scrolling on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${RESULTS}dashboard-narrow.png`, fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    for (const id of ids) expect(await page.locator(`tr[data-job-id="${id}"]`).count()).toBe(1);
  });

  it("scrolls the event stream from the keyboard", async () => {
    const stream = page.getByRole("region", { name: "Latest firehose events" });
    await stream.focus();
    await page.keyboard.press("End");
    // The busy dashboard above left more events than the box shows. Keyboard scrolling may be smooth.
    await page.waitForFunction((box) => box.scrollTop > 0, await stream.elementHandle(), WAIT);
  });

  it("says why it is offline when the server refuses the token", async () => {
    // A page of its own, so the shared page's console stays clean: the
    // socket's auth frame carries a token the dev server does not know.
    const refused = await browser.newPage();
    try {
      await refused.routeWebSocket(/\/dwp$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => {
          const text = typeof message === "string" ? message : "";
          server.send(text.includes('"auth"') ? text.replace(/dk_test_\w+/, "dk_test_revoked") : message);
        });
      });
      await refused.goto(demo.url);
      const offline = new DashboardPage(refused);
      await offline.connection("offline").waitFor(WAIT);
      expect(await refused.getByRole("alert").first().textContent()).toContain("authentication failed");
    } finally {
      await refused.close();
    }
  });

  it("logged no console errors, warnings or page errors", () => {
    expect(unexpected(consoleLog.entries)).toEqual([]);
  });
});
