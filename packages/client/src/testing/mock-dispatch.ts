import { type RequestHandler, type WebSocketHandler, ws } from "msw";
import { setupServer } from "msw/node";
import type { Method } from "../protocol/methods.js";
import type { StreamEvent } from "../protocol/types.js";
import type { AnyHandler, MockHandler } from "./mock-answer.js";
import { rpcHandler } from "./mock-rpc.js";
import { type MockSession, MockSession as Session } from "./mock-session.js";
import { deliverSse, type MockSseStream, sseHandler } from "./mock-sse.js";
import {
  type DomWebSocketConstructor,
  ensureGlobalWebSocket,
  forwardingWebSocket,
} from "./mock-websocket.js";
import { type MockTokens, tokenScopes } from "./scopes.js";
import type { ClientFrame } from "./server-codec.js";

/** Options of `createMockDispatch`. */
export interface MockDispatchOptions {
  /** The DWP URL the client connects to, e.g. `ws://localhost:7777/dwp`. Its HTTP RPC endpoint is mocked too. */
  url: string;
  /**
   * Accepted tokens (default: every token, even none, with every scope, as
   * the server without a key table). Others are refused with 401. Give each
   * token its scopes (`{ dk_test_ro: ["job:read"] }`) and a call it lacks one
   * for is refused with 403, as the server does.
   */
  tokens?: MockTokens | undefined;
  /**
   * Answer one request at a time per connection, as the Go server does (a
   * held answer delays the connection's later requests, pings and credit
   * grants; events still flow). Default `true`; `false` answers each at once.
   */
  sequential?: boolean | undefined;
}

/**
 * `M`, hidden from inference: `handle`'s method alone picks `M`, so a handler
 * typed for another method fails instead of widening `M` to both. (The
 * built-in `NoInfer` would need TypeScript 5.4.)
 */
type Only<M> = [M][M extends unknown ? 0 : never];

/** A scripted DWP server; see `createMockDispatch`. */
export interface MockDispatch {
  readonly url: string;
  /**
   * A WebSocket constructor for `new Dispatch({ WebSocket })` that the mock
   * intercepts in every runtime; typed as the DOM's, for raw sockets in tests.
   */
  readonly WebSocket: DomWebSocketConstructor;
  /**
   * The msw handlers, to add to a `setupServer` of your own instead of calling
   * `listen()`. Create the mock before that server listens: on Node 20 the
   * mock installs the global WebSocket stand-in msw patches.
   */
  readonly handlers: readonly [WebSocketHandler, RequestHandler, RequestHandler];
  /** Every frame clients sent (auth, requests, pings, credit grants), decoded, in arrival order. */
  readonly frames: ClientFrame[];
  /** Open, authenticated connections. */
  readonly connections: number;
  /** The credit balance of the newest connection (the server starts each at 1,000), or `undefined`. */
  readonly credits: number | undefined;
  /** Events `emit` dropped for lack of credits, since the last `reset()`. */
  readonly dropped: number;
  /** Starts intercepting (msw `setupServer`). Call in `beforeAll`. */
  listen(): void;
  /** Stops intercepting. Call in `afterAll`. */
  close(): void;
  /** Forgets frames and handlers and drops every connection. Call in `afterEach`. */
  reset(): void;
  /**
   * Answers `method` with `handler` from now on (replacing any earlier one).
   * Only the methods the server implements: a misspelt name fails to
   * compile, where it would leave the client waiting. Others already answer
   * `405 unknown method`, as the server does. The handler must answer what
   * the server sends for `method` (`rawAnswer(data)` sends anything).
   */
  handle<M extends Method>(method: M, handler: MockHandler<Only<M>>): void;
  /**
   * Publishes an event as the server does: one frame per connection
   * subscribed to `firehose`, `jobs`/`workflows` or the event's topic, with
   * `channel` = the event's topic, and one message per SSE stream of such a
   * channel; each costs one credit (SSE streams never get more than 1,000).
   * @returns how many connections and streams it was sent to.
   */
  emit(event: StreamEvent): number;
  /** Ends every connection abruptly (code 1006) and fails every SSE stream, so clients reconnect and report a gap. */
  drop(): void;
  /**
   * Sets every connection's credits to zero: events are dropped until the
   * client grants more (an SSE stream never can). Call it once the session is
   * set up (after `await sub.ready`): `Dispatch` grants a head start as each
   * session opens, which would otherwise land after this and undo it.
   */
  exhaustCredits(): void;
  /** Request frames with this method (and, for subscribe/unsubscribe, this channel). */
  sent(method: string, channel?: string): ClientFrame[];
  /** Resolves with the next frame that matches, once the mock has processed it. */
  nextFrame(match: string | ((frame: ClientFrame) => boolean)): Promise<ClientFrame>;
}

/**
 * A scripted Dispatch server for unit tests, on msw's `ws.link`. It does the
 * auth handshake, subscriptions, pings and credit counting like the Go
 * server; you answer methods, push events, drop the connection and inspect
 * what the client sent. JSON and msgpack (binary) are both spoken.
 *
 * On Node 20, which has no global WebSocket, pass `mock.WebSocket` to the
 * client (`ws` from npm is not intercepted by msw).
 *
 * @example
 * ```ts
 * const mock = createMockDispatch({ url: "ws://localhost:7777/dwp" });
 * beforeAll(() => mock.listen());
 * afterEach(() => mock.reset());
 * afterAll(() => mock.close());
 *
 * it("reads a job", async () => {
 *   mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, state: "running" }));
 *   const client = new Dispatch({ url: mock.url, token: "dk_test_1", WebSocket: mock.WebSocket });
 *   expect((await client.getJob("job_01h455vb4pex5vsknk084sn02q")).state).toBe("running");
 *   client.close();
 * });
 * ```
 */
export function createMockDispatch(options: MockDispatchOptions): MockDispatch {
  const tokens = tokenScopes(options.tokens);
  const handlerMap = new Map<string, AnyHandler>();
  const frames: ClientFrame[] = [];
  const sessions = new Set<MockSession>();
  const sseStreams = new Set<MockSseStream>();
  const waiters = new Set<(frame: ClientFrame) => boolean>();
  let sessionCount = 0;
  let dropped = 0;
  let server: ReturnType<typeof setupServer> | undefined;
  // Now rather than in listen(): msw patches the global WebSocket when a
  // server listens, so `handlers` in a setupServer of the user's own needs
  // something to patch on Node 20 too.
  let uninstall: (() => void) | undefined = ensureGlobalWebSocket();

  const host = {
    tokens,
    sequential: options.sequential ?? true,
    received: (frame: ClientFrame) => void frames.push(frame),
    processed: (frame: ClientFrame) => {
      for (const waiter of [...waiters]) if (waiter(frame)) waiters.delete(waiter);
    },
    handler: (method: string) => handlerMap.get(method),
    nextSessionId: () => `mock-session-${++sessionCount}`,
  };

  const wsHandler = ws.link(options.url).addEventListener("connection", ({ client }) => {
    const session = new Session(client, host);
    sessions.add(session);
    client.addEventListener("message", (event) => session.receive(event.data));
    client.addEventListener("close", () => sessions.delete(session));
  });
  const handlers = [
    wsHandler,
    rpcHandler(options.url, host, frames),
    sseHandler(options.url, host, sseStreams),
  ] as const;
  const endStreams = (broken: boolean) => {
    for (const stream of [...sseStreams]) stream.end(broken);
  };
  const open = () => [...sessions].filter((s) => s.authenticated);

  return {
    url: options.url,
    WebSocket: forwardingWebSocket,
    handlers,
    frames,
    get connections() {
      return open().length;
    },
    get credits() {
      return open().at(-1)?.credits;
    },
    get dropped() {
      return dropped;
    },
    listen() {
      if (server) return;
      // Two msw servers share one interceptor: every socket would reach both.
      if (Symbol.for("fetch-interceptor") in globalThis) {
        throw new Error(
          "another msw server is listening: add mock.handlers to that setupServer instead of calling mock.listen()",
        );
      }
      uninstall ??= ensureGlobalWebSocket();
      server = setupServer(...handlers);
      server.listen({ onUnhandledRequest: "bypass" });
    },
    close() {
      for (const session of sessions) session.drop();
      endStreams(false);
      server?.close();
      server = undefined;
      uninstall?.();
      uninstall = undefined;
    },
    reset() {
      for (const session of sessions) session.drop();
      endStreams(false);
      sessions.clear();
      handlerMap.clear();
      waiters.clear();
      frames.length = 0;
      dropped = 0;
    },
    handle(method, handler) {
      // Stored apart from its method, the handler's data type is lost: the
      // session hands it the data of the method it was registered for.
      handlerMap.set(method, handler as AnyHandler);
    },
    emit(event) {
      let sent = 0;
      const outcomes = [
        ...[...sessions].map((session) => session.deliver(event)),
        ...[...sseStreams].map((stream) => deliverSse(stream, event)),
      ];
      for (const outcome of outcomes) {
        if (outcome === "sent") sent++;
        else if (outcome === "no-credits") dropped++;
      }
      return sent;
    },
    drop() {
      for (const session of sessions) session.drop();
      endStreams(true);
    },
    exhaustCredits() {
      for (const session of sessions) session.credits = 0;
      for (const stream of sseStreams) stream.credits = 0;
    },
    sent(method, channel) {
      return frames.filter(
        (f) => f.method === method && (channel === undefined || f.data?.channel === channel),
      );
    },
    nextFrame(match) {
      const test = typeof match === "string" ? (f: ClientFrame) => f.method === match : match;
      return new Promise((resolve, reject) => {
        waiters.add((frame) => {
          let hit: boolean;
          try {
            hit = test(frame);
          } catch (err) {
            // A predicate that throws (reading `data` of a ping) fails this
            // wait only; it must not break the connection's read loop.
            reject(err);
            return true;
          }
          if (hit) resolve(frame);
          return hit;
        });
      });
    },
  };
}
