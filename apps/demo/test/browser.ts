import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's chromium; tool-specific browser downloads are not used. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface ConsoleEntry {
  kind: "error" | "warning" | "pageerror";
  text: string;
  /** Logged while a fault the test caused was in progress. */
  duringFault: boolean;
}

/**
 * Collects console errors and warnings and uncaught page errors. While
 * `fault` is set (a server restart the test caused), the browser's own
 * reports of the refused WebSocket handshakes and of the proxy's 502 to a
 * request made meanwhile are expected and marked so.
 */
export function collectConsole(page: Page): { entries: ConsoleEntry[]; fault: boolean } {
  const log = { entries: [] as ConsoleEntry[], fault: false };
  page.on("console", (message) => {
    const type = message.type();
    if (type !== "error" && type !== "warning") return;
    log.entries.push({ kind: type, text: message.text(), duringFault: log.fault });
  });
  page.on("pageerror", (error) => {
    log.entries.push({ kind: "pageerror", text: `${error.name}: ${error.message}`, duringFault: log.fault });
  });
  return log;
}

/** What the browser itself logs when the proxied WebSocket cannot reach the (restarting) server. */
const REFUSED_SOCKET = /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/dwp' failed/;

/** What the browser logs when the Vite proxy answers 502 because the server is down. */
const PROXY_DOWN = /^Failed to load resource: the server responded with a status of 502 \(Bad Gateway\)$/;

/** Entries that are failures: everything except what a fault makes the browser log. */
export function unexpected(entries: readonly ConsoleEntry[]): ConsoleEntry[] {
  return entries.filter(
    (e) => !(e.duringFault && e.kind === "error" && (REFUSED_SOCKET.test(e.text) || PROXY_DOWN.test(e.text))),
  );
}
