import type { Channel } from "./channels.js";
import { type Deferred, deferred } from "./deferred.js";
import { ConnectionError, ValidationError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { StreamEvent } from "./protocol/types.js";

/** Called for each event, synchronously, in order. */
export type EventListener<E extends StreamEvent = StreamEvent> = (event: E) => void;

/** Options of `client.subscribe`. */
export interface SubscribeOptions<E extends StreamEvent = StreamEvent> {
  /** Receives every event; without an iterator nothing is buffered. */
  listener?: EventListener<E> | undefined;
  /**
   * Most events buffered for the iterator. Past it the oldest are dropped and
   * a gap is reported for this channel. Default 50,000; `Infinity` turns
   * the bound off.
   */
  maxBuffered?: number | undefined;
  /**
   * Called once when the subscription ends: with `undefined` after
   * `unsubscribe()` or the client's `close()`, with the error when the server
   * refused it, including on the re-subscribe after a reconnect (a token
   * whose scopes changed), or when the connection was lost for good. A
   * listener-only subscription learns of its end nowhere else.
   */
  onEnd?: ((error: unknown) => void) | undefined;
  /**
   * Called with `true` each time the server confirms the subscription (at
   * first, and again on every new session after a reconnect) and with `false`
   * when its connection drops or it ends: between the two, events flow.
   */
  onLive?: ((live: boolean) => void) | undefined;
}

/** What a subscription needs from its client. */
export interface SubscriptionHost {
  release(subscription: Subscription): Promise<void>;
  overflow(subscription: Subscription): void;
  readonly logger: Logger | undefined;
}

const COMPACT_AT = 4096;

/**
 * A live view of one channel: an async iterator over its events, an optional
 * listener, and `ready`, which resolves once the server confirmed the
 * subscription. Events that arrive before `ready` are kept, not lost.
 *
 * @example
 * ```ts
 * const sub = client.subscribe("jobs");
 * await sub.ready;
 * for await (const event of sub) {
 *   if (event.type === "job.completed") console.log(event.data.job_id);
 * }
 * ```
 */
export class Subscription<E extends StreamEvent = StreamEvent> implements AsyncIterable<E> {
  /** Resolves when the server confirmed the subscription; rejects if it refused it. */
  readonly ready: Promise<void>;
  readonly #confirmation: Deferred<void> = deferred();
  // Index-based queue: shift() is O(n) on large arrays; compacted in batches.
  #items: E[] = [];
  #head = 0;
  /** Readers waiting in `next()`, oldest first. */
  #waiters: Array<{ resolve(result: IteratorResult<E>): void; reject(error: unknown): void }> = [];
  #iterating = false;
  #overflowing = false;
  #ended = false;
  #failure: unknown;
  #droppedCount = 0;
  #live = false;
  readonly #maxBuffered: number;
  readonly #listener: EventListener<E> | undefined;
  readonly #onEnd: ((error: unknown) => void) | undefined;
  readonly #onLive: ((live: boolean) => void) | undefined;

  readonly #host: SubscriptionHost;

  constructor(
    /** The channel as the caller named it (`queue:emails`, `job:…`). */
    readonly channel: Channel,
    host: SubscriptionHost,
    options: SubscribeOptions<E> = {},
  ) {
    this.#host = host;
    this.#listener = options.listener;
    this.#onEnd = options.onEnd;
    this.#onLive = options.onLive;
    const max = options.maxBuffered ?? 50_000;
    // NaN would never compare as full: the buffer would grow without bound.
    if (!(Number.isInteger(max) && max > 0) && max !== Number.POSITIVE_INFINITY)
      throw new ValidationError(`maxBuffered must be a positive integer or Infinity, got ${String(max)}`);
    this.#maxBuffered = max;
    this.ready = this.#confirmation.promise;
  }

  /** Events dropped because the buffer was full. */
  get dropped(): number {
    return this.#droppedCount;
  }

  /** Events buffered and not yet read. */
  get buffered(): number {
    return this.#items.length - this.#head;
  }

  /** Whether the server confirmed it on the current session: its events are flowing. */
  get live(): boolean {
    return this.#live;
  }

  /** `true` once unsubscribed, closed or refused. */
  get closed(): boolean {
    return this.#ended;
  }

  /** Stops the subscription; the wire `unsubscribe` goes out when the last local one leaves. */
  unsubscribe(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.end();
    return this.#host.release(this as unknown as Subscription);
  }

  [Symbol.asyncIterator](): AsyncIterator<E, undefined> {
    if (this.#iterating) {
      // Two readers would each get every other event: nothing says so, and
      // both views are wrong. A second subscription shares the wire one.
      const error = new ValidationError(
        `${this.channel} already has a reader here: subscribe() again for another`,
      );
      return { next: () => Promise.reject(error) };
    }
    this.#iterating = true;
    return {
      next: () => this.#next(),
      // `break` in a for-await loop lands here: leaving the loop unsubscribes,
      // without making the loop wait for the server's acknowledgement.
      return: () => {
        void this.unsubscribe();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.unsubscribe();
  }

  /** @internal Delivers one routed event. */
  deliver(event: E): void {
    if (this.#ended) return;
    if (this.#listener) {
      try {
        this.#listener(event);
      } catch (err) {
        // Silence would hide a bug in the app's handler: without a logger it goes to the console.
        const say = this.#host.logger?.warn.bind(this.#host.logger) ?? console.error;
        say(`[dispatch] listener for ${this.channel} threw; the event was still delivered`, err);
      }
      // The listener may have ended the subscription (unsubscribe, close): an ended iterator takes nothing more.
      if (!this.#iterating || this.#ended) return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve({ done: false, value: event });
      return;
    }
    if (this.#items.length - this.#head >= this.#maxBuffered) {
      // Release the dropped event: the slot would otherwise keep it alive.
      this.#items[this.#head++] = undefined as unknown as E;
      this.#droppedCount++;
      if (!this.#overflowing) {
        this.#overflowing = true;
        this.#host.overflow(this as unknown as Subscription);
      }
    }
    this.#items.push(event);
    this.#compact();
  }

  /** Drops consumed slots once they are at least half the array: amortised O(1) per event. */
  #compact(): void {
    if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** @internal The server confirmed (or refused) the wire subscription. */
  confirm(error?: unknown): void {
    if (error === undefined) {
      this.#confirmation.resolve();
      this.lost(true);
    } else {
      this.#confirmation.reject(error);
      this.end(error);
    }
  }

  /** @internal Its session dropped (or, with `true`, a new one confirmed it). */
  lost(live = false): void {
    if (this.#live === live || (live && this.#ended)) return;
    this.#live = live;
    this.#call("onLive", this.#onLive, live);
  }

  /** Runs a user's hook: a throw is logged, and must not stop the client's own work. */
  #call<T>(name: string, hook: ((value: T) => void) | undefined, value: T): void {
    try {
      hook?.(value);
    } catch (err) {
      this.#host.logger?.warn(`${name} for ${this.channel} threw`, err);
    }
  }

  /** @internal Ends the iterator once the buffer is drained; with an error, it then throws it. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = error;
    this.lost();
    this.#confirmation.reject(
      error ?? new ConnectionError("subscription ended before it was confirmed", { closed: true }),
    );
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve({ done: true, value: undefined });
      else waiter.reject(error);
    }
    this.#call("onEnd", this.#onEnd, error);
  }

  #next(): Promise<IteratorResult<E>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head] as E;
      this.#items[this.#head++] = undefined as unknown as E;
      this.#compact();
      if (this.#overflowing && this.#items.length - this.#head < this.#maxBuffered) this.#overflowing = false;
      return Promise.resolve({ done: false, value });
    }
    if (this.#ended) {
      if (this.#failure !== undefined) return Promise.reject(this.#failure);
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}
