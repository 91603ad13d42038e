import { assertChannel, type Channel, type EventOf, wireChannelOf } from "./channels.js";
import type { Codec } from "./codecs/codec.js";
import { Connection } from "./connection.js";
import type { ConnectionState, ConnectionStatus, GapEvent } from "./connection-state.js";
import { Emitter } from "./connection-state.js";
import { CreditGranter } from "./credits.js";
import { abortedBy, clientClosedError, type DispatchError, ValidationError } from "./errors.js";
import { type DispatchOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { type Frame, MAX_FRAME_BYTES } from "./protocol/frame.js";
import { SLOW_METHODS, withSlowTimeout } from "./protocol/methods.js";
import type { StreamEvent } from "./protocol/types.js";
import { type RequestOptions, RequestTable, type SendRequest } from "./requests.js";
import { Router } from "./router.js";
import { LazySlowLane } from "./slow-lane-lazy.js";
import { LazySseLink } from "./sse-lazy.js";
import { type EventListener, type SubscribeOptions, Subscription } from "./subscription.js";
import { invalidTimeout } from "./timer-delay.js";
import { resolveToken } from "./token.js";
import { waitUntilOpen } from "./wait-open.js";
import { WireSubscriptions } from "./wire-subscriptions.js";

/**
 * The connection, request and subscription machinery behind `Dispatch`;
 * `Dispatch` adds the typed methods on top.
 */
export class DispatchCore {
  // Private, so logging or serialising a client never shows the token.
  readonly #options: ResolvedOptions;
  /** What `state` reflects: the WebSocket connection, or the SSE link. */
  readonly #link: Pick<Connection, "status" | "state" | "start">;
  /** `undefined` with `transport: "sse"`. */
  readonly #connection: Connection | undefined;
  /** Set with `transport: "sse"`: requests over HTTP RPC, subscriptions over SSE. */
  readonly #sse: LazySseLink | undefined;
  readonly #requests: RequestTable;
  readonly #router = new Router();
  readonly #wire: WireSubscriptions;
  readonly #credits: CreditGranter;
  readonly #gaps = new Emitter<GapEvent>();
  readonly #slowLane: LazySlowLane;
  /** Set on the second socket itself: it sends slow requests on its own socket, not through another lane. */
  #direct = false;
  #creditCounter = 0;
  #userClosed = false;

  constructor(options: DispatchOptions = {}) {
    this.#options = resolveOptions(options);
    const { logger } = this.#options;
    this.#requests = new RequestTable(this.#options.timeout, () => this.#link.status.get().error);
    this.#sse =
      this.#options.transport === "sse"
        ? new LazySseLink(this.#options, (channels, reason) =>
            this.#gaps.emit({ channels, reason: reason ?? "reconnect" }),
          )
        : undefined;
    this.#connection = this.#sse
      ? undefined
      : new Connection(this.#options, {
          frame: (frame) => this.#onFrame(frame),
          opened: (resumed) => this.#onOpened(resumed),
          dropped: (reason) => {
            this.#wire.closed();
            for (const sub of this.#router.all()) sub.lost();
            this.#requests.failSent(reason);
          },
          closed: (error) => this.#onClosed(error),
          mark: () => this.#requests.mark,
          busy: (mark) => this.#requests.inFlightBy(mark),
          loadMsgpack: async (): Promise<Codec> => (await import("./codecs/msgpack.js")).msgpackCodec,
        });
    this.#link = (this.#sse ?? this.#connection) as Pick<Connection, "status" | "state" | "start">;
    this.#wire = new WireSubscriptions(
      // A subscribe has no timeout: its answer is bound to the session, and a
      // session that stops answering is replaced by the heartbeat, which
      // subscribes again. A timeout would read as a refusal and end the
      // subscription for good. An unsubscribe may time out: nobody waits on it.
      (method, channel) =>
        this.send(
          method,
          JSON.stringify({ channel }),
          method === "subscribe" ? { timeout: Number.POSITIVE_INFINITY } : {},
        ),
      (channel, error) => this.#router.answer(channel, error),
    );
    this.#credits = new CreditGranter((credits) => {
      const id = `credits-${++this.#creditCounter}`;
      try {
        this.#connection?.send({ id, type: "request", credits, ts: new Date() });
      } catch (err) {
        logger?.warn("could not grant credits", err);
      }
    });
    this.#slowLane = new LazySlowLane({
      url: this.#options.url,
      route: this.#options.slowRequests,
      fetch: this.#options.fetch,
      timeout: this.#options.timeout,
      logger,
      token: (timeout, signal) => resolveToken(this.#options.token, timeout, signal),
      openSideChannel: () => {
        const side = new DispatchCore({
          ...options,
          format: "json",
          heartbeatInterval: 0,
          allowInsecure: true,
        });
        side.#direct = true;
        return {
          connect: (opts) => side.connect(opts),
          request: (method, dataJson, opts) => side.send(method, dataJson, opts),
          close: () => side.close(),
        };
      },
    });
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.#link.state;
  }

  /** A snapshot of the connection (a new object on every change). */
  get status(): ConnectionStatus {
    return this.#link.status.get();
  }

  /**
   * Calls `listener` on every connection change.
   * @returns a function that removes the listener.
   */
  onStateChange(listener: (state: ConnectionState, status: ConnectionStatus) => void): () => void {
    return this.#link.status.subscribe((status) => listener(status.state, status));
  }

  /**
   * Calls `listener` when channels may have missed events: after a reconnect
   * (the server has no replay) or a subscription buffer overflow. Re-read
   * state for those channels.
   */
  onGap(listener: (gap: GapEvent) => void): () => void {
    return this.#gaps.on(listener);
  }

  /**
   * Connects (if not already) and resolves with the session id once the server
   * confirmed the session. Rejects on a refused token, on `close()`, or when
   * `timeout` (default: the request timeout) passes first; the client keeps
   * trying in the background unless closed.
   */
  connect(options: RequestOptions = {}): Promise<string> {
    // An aborted signal refuses before anything starts connecting.
    const invalid = invalidTimeout(options.timeout) ?? abortedBy(options.signal);
    if (invalid) return Promise.reject(invalid);
    this.#link.start();
    return waitUntilOpen(this.#link.status, options.timeout ?? this.#options.timeout, options.signal);
  }

  /**
   * Subscribes to a channel. Two subscriptions to one channel share one wire
   * subscription. `queue:<name>` is derived from `jobs` (the server never
   * publishes to queue topics). The event type follows from the channel
   * (`EventOf`); name one explicitly to narrow it further.
   *
   * @example
   * ```ts
   * const sub = client.subscribe(`job:${id}`); // Subscription<JobEvent>
   * await sub.ready;
   * for await (const event of sub) console.log(event.type, event.data.job_id);
   * ```
   */
  subscribe<C extends Channel>(
    channel: C,
    listenerOrOptions?: EventListener<EventOf<C>> | SubscribeOptions<EventOf<C>>,
  ): Subscription<EventOf<C>>;
  subscribe<E extends StreamEvent>(
    channel: Channel,
    listenerOrOptions?: EventListener<E> | SubscribeOptions<E>,
  ): Subscription<E>;
  subscribe<E extends StreamEvent>(
    channel: Channel,
    listenerOrOptions?: EventListener<E> | SubscribeOptions<E>,
  ): Subscription<E> {
    assertChannel(channel);
    if (this.state === "closed") throw clientClosedError();
    const options =
      typeof listenerOrOptions === "function" ? { listener: listenerOrOptions } : listenerOrOptions;
    const sub = new Subscription<E>(
      channel,
      {
        release: (s) => this.#release(s),
        overflow: (s) => this.#gaps.emit({ channels: [s.channel], reason: "overflow" }),
        logger: this.#options.logger,
      },
      options,
    );
    const erased = sub as unknown as Subscription;
    if (this.#sse) {
      this.#sse.subscribe(erased);
      return sub;
    }
    // Routed from now on, so events that arrive before the confirmation are kept.
    this.#router.add(erased);
    if (this.#wire.acquire(wireChannelOf(channel))) sub.confirm();
    this.#link.start();
    return sub;
  }

  /** Closes the connection, rejects everything pending and ends every iterator. */
  close(): void {
    this.#userClosed = true;
    this.#sse?.close();
    this.#connection?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** Sends a request whose data is already JSON text. */
  protected send(method: string, dataJson: string | undefined, given: RequestOptions): Promise<unknown> {
    const invalid = invalidTimeout(given.timeout) ?? abortedBy(given.signal);
    if (invalid) return Promise.reject(invalid);
    const options = withSlowTimeout(method, given, this.#options.timeout);
    if (this.state === "closed") return Promise.reject(clientClosedError());
    // Over HTTP RPC every request is handled on its own: no slow lane, no socket frame limit.
    if (this.#sse) return this.#sse.request(method, dataJson, options);
    if (dataJson !== undefined && dataJson.length > MAX_FRAME_BYTES) {
      return Promise.reject(
        new ValidationError(
          `${method} data is over ${MAX_FRAME_BYTES} bytes; the server would drop the connection`,
        ),
      );
    }
    if (SLOW_METHODS.has(method) && !this.#direct) return this.#slowLane.request(method, dataJson, options);
    this.#link.start();
    // At once only once the session re-subscribed its channels: a read sent as
    // the state turns open would overtake the re-subscribe and the queue.
    return this.#requests.start(method, dataJson, options, this.#wire.isOpen ? this.#sender : undefined);
  }

  readonly #sender: SendRequest = (id, method, dataJson) => {
    this.#connection?.send({ id, type: "request", method, dataJson, ts: new Date() });
  };

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case "event": {
        this.#credits.onEvent();
        const event = frame.data as StreamEvent | undefined;
        if (typeof event?.type !== "string") {
          this.#options.logger?.warn("ignored an event frame without a stream event", frame);
          return;
        }
        this.#router.route(event);
        return;
      }
      case "response":
      case "error":
        if (!this.#requests.answer(frame)) this.#options.logger?.warn("ignored an uncorrelated frame", frame);
        return;
      case "pong":
        return;
      default:
        this.#options.logger?.warn(`ignored a frame of type ${String(frame.type)}`, frame);
    }
  }

  #onOpened(resumed: boolean): void {
    this.#credits.opened();
    this.#wire.opened();
    this.#requests.flush(this.#sender);
    const channels = this.#router.channels();
    if (resumed && channels.length > 0) this.#gaps.emit({ channels, reason: "reconnect" });
  }

  #onClosed(error: DispatchError | undefined): void {
    this.#wire.closed();
    this.#slowLane.close();
    const closedError = () => error ?? clientClosedError();
    this.#requests.failAll(closedError);
    for (const sub of this.#router.all()) {
      this.#router.remove(sub);
      sub.end(this.#userClosed ? undefined : closedError());
    }
  }

  #release(sub: Subscription): Promise<void> {
    if (this.#sse) return this.#sse.release(sub);
    this.#router.remove(sub);
    return this.#wire.release(wireChannelOf(sub.channel));
  }
}
