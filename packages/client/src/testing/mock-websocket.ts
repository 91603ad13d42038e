import type { WebSocketConstructor } from "../options.js";

type WithWebSocket = { WebSocket?: WebSocketConstructor };

/** The DOM's WebSocket constructor type, which the mock's stand-in follows. */
export type DomWebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/**
 * Stands in for the global WebSocket where the runtime has none (Node 20):
 * msw intercepts only by patching `globalThis.WebSocket`, so something must
 * be there to patch. It never opens a real connection.
 */
class NoNetworkWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  constructor(url: string) {
    super();
    throw new TypeError(`no mock handles ${url}: the testing kit opens no real connections`);
  }
}

/** Mocks that need the stand-in: it stays while any does. */
let claims = 0;

/**
 * Installs the stand-in when there is no global WebSocket, or counts one more
 * user of the stand-in already there.
 * @returns a function that gives this claim up (once): the last one removes
 * the stand-in again (and nothing else).
 */
export function ensureGlobalWebSocket(): () => void {
  if ((globalThis as WithWebSocket).WebSocket !== undefined && claims === 0) return () => {};
  if (claims++ === 0) {
    Object.defineProperty(globalThis, "WebSocket", {
      value: NoNetworkWebSocket,
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--claims > 0) return;
    if ((globalThis as WithWebSocket).WebSocket === (NoNetworkWebSocket as unknown as WebSocketConstructor))
      Reflect.deleteProperty(globalThis, "WebSocket");
  };
}

/**
 * A WebSocket constructor that resolves `globalThis.WebSocket` (msw's patched
 * one, once the mock listens) each time a socket is made, so a client created
 * before `listen()` is still intercepted. The base is `EventTarget` because
 * the client subclasses the constructor and calls `super.addEventListener` on
 * the socket msw hands back, which is an `EventTarget` too.
 */
export const forwardingWebSocket: DomWebSocketConstructor = new Proxy(
  NoNetworkWebSocket as unknown as DomWebSocketConstructor,
  {
    construct(_target, args: [string, (string | string[])?]) {
      const Current = (globalThis as WithWebSocket).WebSocket;
      if (Current === undefined) {
        throw new TypeError("no WebSocket to intercept: call mock.listen() before the client connects");
      }
      return Reflect.construct(Current, args);
    },
  },
);
