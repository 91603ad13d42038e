import type { WebSocketConstructor } from "../options.js";

type WithWebSocket = { WebSocket?: WebSocketConstructor };

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

/**
 * Installs the stand-in when there is no global WebSocket.
 * @returns a function that removes it again (and nothing else).
 */
export function ensureGlobalWebSocket(): () => void {
  const global = globalThis as WithWebSocket;
  if (global.WebSocket !== undefined) return () => {};
  Object.defineProperty(globalThis, "WebSocket", {
    value: NoNetworkWebSocket,
    configurable: true,
    writable: true,
    enumerable: false,
  });
  return () => {
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
export const forwardingWebSocket: WebSocketConstructor = new Proxy(
  NoNetworkWebSocket as unknown as WebSocketConstructor,
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
