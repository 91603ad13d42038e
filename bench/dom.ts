/**
 * A happy-dom window installed as globals, so React DOM can render in plain
 * Node (`npm run bench` runs outside Vitest), and a manual animation-frame
 * queue the caller drives at the rate it wants.
 */
import { Window } from "happy-dom";

export interface Dom {
  /** Runs every queued animation-frame callback once (one "frame"). */
  frame(): void;
  /** Removes the globals again. */
  uninstall(): void;
}

// Not `Event`: Node's own EventTarget (AbortSignal, ws) needs the Node one.
const GLOBALS = ["window", "document", "navigator", "HTMLElement", "Element", "Node", "Text"] as const;

export function installDom(): Dom {
  const window = new Window({ url: "http://127.0.0.1/" });
  const target = globalThis as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  const set = (key: string, value: unknown) => {
    saved.set(key, Object.getOwnPropertyDescriptor(target, key));
    Object.defineProperty(target, key, { value, configurable: true, writable: true });
  };
  for (const key of GLOBALS)
    set(key, key === "window" ? window : (window as unknown as Record<string, unknown>)[key]);
  let queue = new Map<number, () => void>();
  let nextId = 0;
  set("requestAnimationFrame", (callback: (time: number) => void) => {
    const id = ++nextId;
    queue.set(id, () => callback(performance.now()));
    return id;
  });
  set("cancelAnimationFrame", (id: number) => queue.delete(id));
  // React warns about updates outside act() when this is unset in a DOM-like environment.
  set("IS_REACT_ACT_ENVIRONMENT", false);
  return {
    frame() {
      const callbacks = queue;
      queue = new Map();
      for (const callback of callbacks.values()) callback();
    },
    uninstall() {
      for (const [key, descriptor] of saved) {
        if (descriptor) Object.defineProperty(target, key, descriptor);
        else delete target[key];
      }
      void window.happyDOM.close();
    },
  };
}
