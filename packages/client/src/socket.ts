import ReconnectingWebSocket from "partysocket/ws";
import type { WireMessage } from "./codecs/codec.js";
import { isLoopbackUrl, type WebSocketConstructor } from "./options.js";
import { knownOffline, watchPage } from "./page-lifecycle.js";

/** What the connection hears from each underlying socket, tagged with it. */
export interface SocketEvents {
  /** A new socket is connecting; events of earlier sockets are stale from now on. */
  created(socket: WebSocket): void;
  open(socket: WebSocket): void;
  message(data: WireMessage, socket: WebSocket): void;
  close(code: number, reason: string, socket: WebSocket): void;
  /** The constructor threw (a bad URL, a blocked port, mixed content, a stand-in): retrying cannot help. */
  unconstructible(error: unknown): void;
  /**
   * The page is going into the back/forward cache: drop the session now, and
   * call `replace`. No socket is opened until the page is shown again.
   */
  suspend(): void;
}

type NativeConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Reconnection tuning handed to partysocket. */
export interface SocketOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  minReconnectDelay: number;
  maxReconnectDelay: number;
  /** Off, a drop closes the client for good: the page's events must not cause one. */
  reconnect: boolean;
  /** The request timeout, which bounds an unanswered upgrade too. */
  timeout: number;
}

/**
 * Subclasses the WebSocket constructor so that every socket partysocket
 * creates reports straight to us. Messages bypass partysocket's per-message
 * event cloning (the hot path), and each event names its socket, so frames
 * from a replaced socket can be told apart and ignored.
 */
function tappedConstructor(given: WebSocketConstructor, events: SocketEvents): NativeConstructor {
  // `ws` and the DOM's WebSocket share the event API used here.
  const Base = given as unknown as NativeConstructor;
  return class TappedWebSocket extends Base {
    constructor(url: string, protocols?: string | string[]) {
      try {
        super(url, protocols);
      } catch (err) {
        // partysocket would swallow this and retry forever, with no close event.
        events.unconstructible(err);
        throw err;
      }
      events.created(this);
      super.addEventListener("open", () => events.open(this));
      super.addEventListener("message", (event: MessageEvent) => events.message(event.data, this));
      // An abnormal close (1006) has no reason of its own; `ws`, Bun and Deno
      // name the failure in the error event before it ("connect ECONNREFUSED
      // …", "Unexpected server response: 404"). Browsers do not.
      let failure = "";
      let ended = false;
      const closed = (code: number, reason: string): void => {
        if (ended) return;
        ended = true;
        events.close(code, reason || failure, this);
      };
      // Deno reports every abnormal close (refused connect, invalid UTF-8) as
      // code 0, which is no close code at all; the rest of the client, the
      // msgpack-as-text fallback included, knows it as 1006.
      super.addEventListener("close", (event: CloseEvent) => closed(event.code || 1006, event.reason));
      // A listener is needed anyway: without one some runtimes report socket errors as uncaught.
      super.addEventListener("error", (event: Event) => {
        const message = (event as { message?: unknown }).message;
        if (typeof message === "string") failure = message;
        // Node 20's WebSocket (undici 6) fails a connect with this error alone:
        // no close follows and readyState stays CONNECTING, so without this
        // the attempt never counted (maxRetries never applied) and requests
        // waited out their timeout. Everywhere else readyState has moved on
        // by now and the close event reports the end.
        if (this.readyState === 0) closed(1006, "");
      });
    }

    override addEventListener(...args: Parameters<WebSocket["addEventListener"]>): void {
      // partysocket's own message listener would only clone each event for
      // listeners we never attach; skip it.
      if (args[0] === "message") return;
      super.addEventListener(...args);
    }
  };
}

/** A socket that stayed open this long starts the backoff over. */
const STABLE_MS = 5000;

/**
 * One logical connection that partysocket keeps alive: jittered backoff,
 * connection timeout, no send queue of its own.
 */
export class ReconnectingSocket {
  readonly #rws: ReconnectingWebSocket;
  readonly #options: SocketOptions;
  readonly #events: SocketEvents;
  /** Connects since the last socket that stayed open; sets the backoff. */
  #attempt = 0;
  /** The next connect goes out at once. */
  #now = false;
  #openedAt: number | undefined;
  #closed = false;
  /** Ends the backoff wait in progress: the connect goes now. */
  #goNow: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A loopback server is reachable with the network down. */
  readonly #local: boolean;
  /** The page is in the back/forward cache: no connect until it is shown. */
  #suspended = false;
  #unwatch: (() => void) | undefined;

  constructor(options: SocketOptions, events: SocketEvents) {
    this.#options = options;
    this.#events = events;
    this.#local = isLoopbackUrl(options.url);
    const tapped: SocketEvents = {
      ...events,
      open: (socket) => {
        this.#openedAt = Date.now();
        events.open(socket);
      },
    };
    this.#rws = new ReconnectingWebSocket(() => this.#nextUrl(), undefined, {
      WebSocket: tappedConstructor(options.WebSocket, tapped),
      startClosed: true,
      // partysocket flushes its queue before `open` fires, which would put
      // frames ahead of the auth frame; the connection queues them instead.
      maxEnqueuedMessages: 0,
      // The connection counts failed attempts itself (it knows which ones
      // authenticated), so partysocket never gives up on its own.
      maxRetries: Number.POSITIVE_INFINITY,
      // partysocket's backoff timer cannot be cancelled: after close() it kept
      // a Node program running for up to maxReconnectDelay. Its wait is zero;
      // the URL provider waits instead, on a timer close() clears.
      minReconnectionDelay: 0,
      maxReconnectionDelay: 0,
      // An upgrade nobody answers (a black hole, a frozen server) is given
      // up after 10 s, or sooner with a shorter `timeout`: the auth answer
      // is bounded by it, and the upgrade must not wait longer than that.
      connectionTimeout: Math.min(10_000, options.timeout),
    });
    // partysocket re-applies its own binaryType (default "blob") to every
    // socket it opens; binary frames must arrive as ArrayBuffer to decode synchronously.
    this.#rws.binaryType = "arraybuffer";
  }

  /** Opens (or re-opens after `close`) the connection. */
  open(): void {
    this.#closed = false;
    this.#suspended = false;
    if (this.#options.reconnect) this.#unwatch ??= watchPage(this.#page);
    this.#attempt = 0;
    this.#now = true;
    this.#rws.reconnect();
    this.#goNow?.();
  }

  /**
   * Drops the current socket and connects a fresh one: at once when it had
   * carried a session (a half-open socket), else after the backoff (a failed
   * handshake must not become a tight loop).
   */
  replace(now: boolean): void {
    if (now) this.#attempt = 0;
    this.#now = now;
    this.#rws.reconnect(4000, "replaced");
    // A connect already waiting out its backoff goes now, when asked to.
    if (now) this.#goNow?.();
  }

  /** Closes for good; no reconnection. */
  close(): void {
    this.#closed = true;
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#rws.close(1000, "client closed");
    // partysocket sees that it was closed and opens nothing.
    this.#goNow?.();
  }

  send(data: string | Uint8Array): void {
    this.#rws.send(data as string);
  }

  readonly #page = {
    resume: (): void => {
      this.#suspended = false;
      if (!this.#goNow) return;
      this.#attempt = 0;
      this.#goNow();
    },
    suspend: (): void => {
      if (this.#closed) return;
      this.#suspended = true;
      // A backoff wait under way waits for the page now, not for its timer.
      clearTimeout(this.#timer);
      // The server then drops the session and stops sending to a frozen
      // page; the connection re-subscribes, with a gap, once it is shown.
      this.#events.suspend();
    },
  };

  /** partysocket awaits this before each connect: the backoff lives here. */
  #nextUrl(): Promise<string> {
    const { url, minReconnectDelay: min, maxReconnectDelay: max } = this.#options;
    if (this.#openedAt !== undefined && Date.now() - this.#openedAt >= STABLE_MS) this.#attempt = 0;
    this.#openedAt = undefined;
    // partysocket asks for the URL before it checks whether it was closed:
    // closed meanwhile, it gets one at once and opens nothing.
    const now = this.#now;
    this.#now = false;
    if (this.#closed || (now && !this.#suspended)) return Promise.resolve(url);
    // Jittered, so a fleet of clients does not reconnect in lockstep after a
    // restart; at the cap too, where a bare maximum would freeze their pattern.
    const delay = Math.min(max, min * 1.6 ** this.#attempt++) * (0.5 + Math.random() / 2);
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(this.#timer);
        this.#goNow = undefined;
        resolve(url);
      };
      // Hidden in the cache, no timer: the page's return resumes. Known
      // offline, the 'online' event resumes, or at worst the longest delay:
      // every attempt meanwhile would fail and log a network error.
      // Loopback needs no network: a local server is reachable offline too.
      const paced = knownOffline() && !this.#local;
      this.#timer = this.#suspended ? undefined : setTimeout(go, paced ? max : delay);
      this.#goNow = go;
    });
  }
}
