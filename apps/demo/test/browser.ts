import { type Browser, chromium, type LaunchOptions, type Page } from "playwright-core";

/** Debian's chromium; tool-specific browser downloads are not used. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launches Debian's Chromium headless with the project's flags; `options` adds to them. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    ...options,
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
 * report of the refused WebSocket handshakes is expected and marked so.
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

/** Entries that are failures: everything except refused sockets during a fault. */
export function unexpected(entries: readonly ConsoleEntry[]): ConsoleEntry[] {
  return entries.filter((e) => !(e.duringFault && e.kind === "error" && REFUSED_SOCKET.test(e.text)));
}
