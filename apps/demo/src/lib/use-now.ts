import { useSyncExternalStore } from "react";

/** One shared 1 s ticker for every component that shows a running clock. */
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let now = Date.now();

function subscribe(listener: () => void): () => void {
  // React reads the snapshot again after subscribing: a fresh value avoids a stale first second.
  now = Date.now();
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const notify of listeners) notify();
  }, 1_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const noop = (): (() => void) => () => {};

/** `Date.now()`, re-rendering every second while `ticking`. */
export function useNow(ticking: boolean): number {
  return useSyncExternalStore(
    ticking ? subscribe : noop,
    () => (ticking ? now : 0),
    () => 0,
  );
}
