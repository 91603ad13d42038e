import { ConnectionError, type DispatchError } from "./errors.js";
import type { StreamEvent } from "./protocol/types.js";
import type { SseStream, SseStreamHandlers } from "./transports/sse.js";

/** The server's per-subscriber credits; it never replenishes them on SSE. */
export const SSE_CREDITS = 1000;
/** A stream is re-opened after this many events, leaving room for the overlap. */
export const SSE_ROLLOVER_AT = 900;

/** Why a stream is being opened: the first time, before its credits run out, or after a failure. */
export type DialKind = "first" | "rollover" | "reconnect";

/** What an SSE channel needs and tells. */
export interface SseChannelHooks {
  /**
   * Opens one stream (resolving the token, and checking it first unless
   * rolling over). `wanted` turns false if the channel moved on meanwhile:
   * then no request should be made at all.
   */
  dial(kind: DialKind, handlers: SseStreamHandlers, wanted: () => boolean): Promise<SseStream>;
  /** The first stream answered 200. */
  ready(): void;
  /** Each event once, in order. */
  event(event: StreamEvent): void;
  /** Events may have been missed (a reconnect, or a rollover with no proven overlap). */
  gap(): void;
  /** `true` while no stream is up and one is being re-opened, with why it went down. */
  reconnecting(value: boolean, error?: DispatchError): void;
  /** The channel cannot be served: refused, or out of retries. */
  failed(error: DispatchError): void;
  /** For the logger: a stream is being opened, synchronously with its cause. */
  opening(kind: DialKind): void;
}

export interface SseChannelOptions {
  reconnect: boolean;
  maxRetries: number;
  minReconnectDelay: number;
  maxReconnectDelay: number;
}

interface Live {
  stream: SseStream | undefined;
  /** Events this stream delivered, duplicates included: each cost the server a credit. */
  count: number;
  /** `Date.now()` when it opened. */
  openedAt?: number;
}

/** A refusal is final; a network failure, timeout or 5xx may pass. */
function isFinal(error: DispatchError): boolean {
  return !error.retryable;
}

/**
 * One channel over SSE. The server grants a stream 1,000 events and never
 * more, so after 900 a second stream is opened alongside the first; both
 * deliver while they overlap and events are de-duplicated by
 * (type, ts, topic). The old stream is closed once an event has come through
 * both (proof that nothing falls between them) or when its credits are spent.
 * A stream that fails is re-opened with jittered backoff, and the gap is
 * reported: the server has no replay.
 */
export class SseChannel {
  #current: Live | undefined;
  #previous: Live | undefined;
  /** Keys seen since a rollover began, and which stream brought them. */
  #seen: Map<string, Live> | undefined;
  /** The old stream went away before an overlap was seen: the new stream's first event decides. */
  #unproven = false;
  /** Events a failed rollover stream delivered that the old stream has yet to repeat. */
  #owed = 0;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #everOpened = false;
  #reconnecting = false;
  #closed = false;

  readonly #hooks: SseChannelHooks;
  readonly #options: SseChannelOptions;

  constructor(hooks: SseChannelHooks, options: SseChannelOptions) {
    this.#hooks = hooks;
    this.#options = options;
  }

  /** Opens the first stream. */
  start(): void {
    this.#open("first");
  }

  /** Closes every stream and stops reconnecting. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#current?.stream?.close();
    this.#previous?.stream?.close();
    this.#current = undefined;
    this.#previous = undefined;
  }

  #open(kind: DialKind): void {
    if (this.#closed) return;
    const live: Live = { stream: undefined, count: 0 };
    if (kind === "rollover") {
      this.#previous = this.#current;
      this.#seen = new Map();
    }
    this.#current = live;
    this.#hooks.opening(kind);
    const handlers: SseStreamHandlers = {
      open: () => this.#onOpen(live, kind),
      event: (event) => this.#onEvent(live, event),
      end: (error) => this.#onEnd(live, error),
    };
    const wanted = () => !this.#closed && (live === this.#current || live === this.#previous);
    this.#hooks.dial(kind, handlers, wanted).then(
      (stream) => {
        if (!wanted()) stream.close();
        else live.stream = stream;
      },
      (error: DispatchError) => this.#onEnd(live, error),
    );
  }

  #onOpen(live: Live, kind: DialKind): void {
    if (live !== this.#current) return;
    live.openedAt = Date.now();
    if (!this.#everOpened) {
      this.#everOpened = true;
      this.#hooks.ready();
    }
    if (this.#reconnecting) {
      this.#reconnecting = false;
      this.#hooks.reconnecting(false);
    }
    if (kind === "reconnect") this.#hooks.gap();
  }

  #onEvent(live: Live, event: StreamEvent): void {
    if (this.#closed) return;
    live.count++;
    // Reset only once events flow: a server that ends every stream at once
    // (a revoked token answers 200 and ends) must still back off.
    if (live === this.#current) this.#attempt = 0;
    const deliver = this.#dedupe(live, event);
    if (live === this.#previous && live.count >= SSE_CREDITS) this.#retire(false);
    if (deliver) this.#hooks.event(event);
    if (live !== this.#current || this.#closed) return;
    if (live.count >= SSE_CREDITS) {
      // Spent: its rollover kept failing, or the old stream stalled (half-open:
      // no event, no end) so no overlap was ever proven. Start over, with a gap.
      if (this.#previous) this.#retire(false);
      this.#onEnd(live, undefined);
    } else if (!this.#previous && live.count >= SSE_ROLLOVER_AT && this.#owed === 0) {
      this.#open("rollover");
    }
  }

  /** `true` when the event is new. Only runs while a rollover is in progress or just ended. */
  #dedupe(live: Live, event: StreamEvent): boolean {
    const seen = this.#seen;
    if (!seen) return true;
    const key = `${event.type}\u0000${event.ts}\u0000${event.topic ?? ""}`;
    const first = seen.get(key);
    // A key repeated on one stream is a different event (same type, time and
    // topic): one stream never sends an event twice.
    if (first !== undefined && first !== live) {
      // The same event through both streams (even after the old one was
      // retired): nothing can have fallen between them.
      this.#unproven = false;
      if (this.#owed > 0) this.#owed--;
      if (this.#previous) this.#retire(true);
      return false;
    }
    if (!this.#previous && live === this.#current && this.#owed === 0) {
      // The first fresh event after the old stream left: everything from here on is new.
      this.#seen = undefined;
      if (this.#unproven) this.#hooks.gap();
      this.#unproven = false;
      return true;
    }
    seen.set(key, live);
    return true;
  }

  #retire(proven: boolean): void {
    this.#previous?.stream?.close();
    this.#previous = undefined;
    if (!proven) this.#unproven = true;
  }

  #onEnd(live: Live, error: DispatchError | undefined): void {
    if (this.#closed) return;
    if (live === this.#previous) {
      this.#previous = undefined;
      this.#unproven = true;
      return;
    }
    if (live !== this.#current) return;
    if (error && isFinal(error)) return this.#fail(error);
    if (this.#previous) {
      // The rollover stream failed: keep the old one (it still has credits).
      // What the failed stream delivered ahead of it stays in `#seen`, owed:
      // the old stream repeats those events and they must not be delivered
      // twice, so the next rollover waits until they are paid.
      this.#owed = 0;
      for (const by of this.#seen?.values() ?? []) if (by === live) this.#owed++;
      this.#current = this.#previous;
      this.#previous = undefined;
      return;
    }
    // The current stream is gone: whatever was in flight is lost.
    live.stream?.close();
    // A quiet channel (a finished job's) that a proxy drops when idle never
    // sees an event reset the backoff; having stayed open a while counts too,
    // while a stream the server ends at once (a revoked token) still backs off.
    const stayed =
      live.openedAt !== undefined && Date.now() - live.openedAt >= this.#options.maxReconnectDelay;
    if (stayed) this.#attempt = 0;
    this.#current = undefined;
    this.#seen = undefined;
    this.#unproven = false;
    this.#owed = 0;
    if (!this.#options.reconnect || this.#attempt >= this.#options.maxRetries) {
      const why = error?.message ?? "the SSE stream ended";
      return this.#fail(
        this.#options.reconnect
          ? new ConnectionError(`gave up after ${this.#attempt} failed attempts: ${why}`, { cause: error })
          : (error ?? new ConnectionError("the SSE stream ended and reconnecting is off")),
      );
    }
    const { minReconnectDelay: min, maxReconnectDelay: max } = this.#options;
    const base = Math.min(max, min * 2 ** this.#attempt++);
    if (!this.#reconnecting) {
      this.#reconnecting = true;
      this.#hooks.reconnecting(true, error ?? new ConnectionError("the SSE stream ended"));
    }
    const kind = this.#everOpened ? "reconnect" : "first";
    this.#timer = setTimeout(() => this.#open(kind), base * (0.5 + Math.random()));
  }

  #fail(error: DispatchError): void {
    this.close();
    this.#hooks.failed(error);
  }
}
