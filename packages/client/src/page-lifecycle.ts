/** What the page's network and lifecycle events ask of a transport that reconnects. */
export interface PageHooks {
  /** The network is back, or a page from the back/forward cache is shown again: connect now. */
  resume(): void;
  /** The page is going into the back/forward cache: let go of the socket until it is shown. */
  suspend(): void;
}

interface PageTarget {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * Listens to `online`, `pagehide` and `pageshow` where the global scope has
 * them (browsers, workers); elsewhere nothing fires and nothing is attached.
 * Without it a client waits out up to `maxReconnectDelay` after the network
 * returns, and a page restored from the back/forward cache finds its socket
 * killed by the browser; while cached, the socket kept its server session
 * and its events.
 *
 * @returns a function that stops listening.
 */
export function watchPage(hooks: PageHooks): () => void {
  const maybe = globalThis as Partial<PageTarget>;
  if (typeof maybe.addEventListener !== "function" || typeof maybe.removeEventListener !== "function") {
    return () => {};
  }
  // Bound now: stop listening on the target that was listened to, whatever
  // the global scope holds by then (a test's stand-in page, restored).
  const add = maybe.addEventListener.bind(globalThis);
  const remove = maybe.removeEventListener.bind(globalThis);
  const types = ["online", "pageshow", "pagehide"];
  // pageshow and pagehide count only for the back/forward cache (persisted),
  // not for a first load or an unload for good.
  const listener = (event: Event): void => {
    if (event.type === "online") hooks.resume();
    else if ((event as Event & { persisted?: boolean }).persisted) {
      (event.type === "pagehide" ? hooks.suspend : hooks.resume)();
    }
  };
  for (const type of types) add(type, listener);
  return () => {
    for (const type of types) remove(type, listener);
  };
}

/** Whether the runtime knows it is offline: `navigator.onLine` is `false` only then. */
export function knownOffline(): boolean {
  return (globalThis as { navigator?: { onLine?: unknown } }).navigator?.onLine === false;
}
