import ReconnectingWebSocket from "partysocket/ws";
import type { WireMessage } from "./codecs/codec.js";
import type { WebSocketConstructor } from "./options.js";

/** What the connection hears from each underlying socket, tagged with it. */
export interface SocketEvents {
  /** A new socket is connecting; events of earlier sockets are stale from now on. */
  created(socket: WebSocket): void;
  open(socket: WebSocket): void;
  message(data: WireMessage, socket: WebSocket): void;
  close(code: number, reason: string, socket: WebSocket): void;
}

/** Reconnection tuning handed to partysocket. */
export interface SocketOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  minReconnectDelay: number;
  maxReconnectDelay: number;
}

/**
 * Subclasses the WebSocket constructor so that every socket partysocket
 * creates reports straight to us. Messages bypass partysocket's per-message
 * event cloning (the hot path), and each event names its socket, so frames
 * from a replaced socket can be told apart and ignored.
 */
function tappedConstructor(Base: WebSocketConstructor, events: SocketEvents): WebSocketConstructor {
  return class TappedWebSocket extends Base {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      events.created(this);
      super.addEventListener("open", () => events.open(this));
      super.addEventListener("message", (event: MessageEvent) => events.message(event.data, this));
      super.addEventListener("close", (event: CloseEvent) => events.close(event.code, event.reason, this));
      // Without a listener some runtimes report socket errors as uncaught.
      super.addEventListener("error", () => {});
    }

    override addEventListener(...args: Parameters<WebSocket["addEventListener"]>): void {
      // partysocket's own message listener would only clone each event for
      // listeners we never attach; skip it.
      if (args[0] === "message") return;
      super.addEventListener(...args);
    }
  };
}

/**
 * One logical connection that partysocket keeps alive: jittered backoff,
 * connection timeout, no send queue of its own.
 */
export class ReconnectingSocket {
  readonly #rws: ReconnectingWebSocket;

  constructor(options: SocketOptions, events: SocketEvents) {
    const base = options.minReconnectDelay;
    this.#rws = new ReconnectingWebSocket(options.url, undefined, {
      WebSocket: tappedConstructor(options.WebSocket, events),
      startClosed: true,
      // partysocket flushes its queue before `open` fires, which would put
      // frames ahead of the auth frame; the connection queues them instead.
      maxEnqueuedMessages: 0,
      // The connection counts failed attempts itself (it knows which ones
      // authenticated), so partysocket never gives up on its own.
      maxRetries: Number.POSITIVE_INFINITY,
      maxReconnectionDelay: options.maxReconnectDelay,
      reconnectionDelayGrowFactor: 1.6,
      connectionTimeout: 10_000,
      // Read on every attempt: a getter gives each delay its own jitter, so a
      // fleet of clients does not reconnect in lockstep after a restart.
      get minReconnectionDelay() {
        return base * (0.5 + Math.random());
      },
    });
    // partysocket re-applies its own binaryType (default "blob") to every
    // socket it opens; binary frames must arrive as ArrayBuffer to decode synchronously.
    this.#rws.binaryType = "arraybuffer";
  }

  /** Opens (or re-opens after `close`) the connection. */
  open(): void {
    this.#rws.reconnect();
  }

  /** Drops the current socket and connects a fresh one at once. */
  replace(): void {
    this.#rws.reconnect(4000, "replaced");
  }

  /** Closes for good; no reconnection. */
  close(): void {
    this.#rws.close(1000, "client closed");
  }

  send(data: string | Uint8Array): void {
    this.#rws.send(data as string);
  }
}
