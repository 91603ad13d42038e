import { ConnectionError, type DispatchError, gaveUp } from "./errors.js";
import { IdleTimer } from "./idle-timer.js";
import type { ResolvedOptions } from "./options.js";
import type { StreamEvent } from "./protocol/types.js";
import { type SseBackoff, sseRetryDelay } from "./sse-backoff.js";
import type { DialKind, SseChannelHooks } from "./sse-channel-hooks.js";
import type { SseStream, SseStreamHandlers } from "./transports/sse.js";

/** The server's per-subscriber credits; it never replenishes them on SSE. */
export const SSE_CREDITS = 1000;
/** A stream is re-opened after this many events, leaving room for the overlap. */
export const SSE_ROLLOVER_AT = 900;
/** How long a rollover's new events wait for the old stream; past it, it stalled: a gap, then the held events. */
export const SSE_HOLD_MS = 3000;
/**
 * Silence after which a stream is replaced (opened anew, then the old one
 * closed, with a gap: nothing proves what it missed). DWP has no keepalive,
 * so a half-open connection looks exactly like a quiet channel.
 */
export const SSE_IDLE_MS = 120_000;

type Retrying = SseBackoff & Pick<ResolvedOptions, "reconnect" | "maxRetries">;

interface Live {
  stream: SseStream | undefined;
  /** Events this stream delivered, duplicates included: each cost the server a credit. */
  count: number;
  /** `Date.now()` when it opened. */
  openedAt?: number;
  /** Replaces a stream silent for {@link SSE_IDLE_MS}: the old one goes as soon as this one opens. */
  swap?: boolean;
}

/** A refusal is final; a network failure, timeout or 5xx may pass. */
function isFinal(error: DispatchError): boolean {
  return !error.retryable;
}

/**
 * One channel over SSE. The server grants a stream 1,000 events and never
 * more, so after 900 a second stream is opened alongside the first. The old
 * stream keeps delivering; the new stream's events are held (in order) until
 * an event has come through both, which proves nothing falls between them:
 * then the old stream is closed and the held events go out, minus what the
 * old one already delivered, so events stay in publication order and arrive
 * once. If the old stream ends, is spent or stalls first, a gap is reported
 * before the held events. A stream that fails is re-opened with jittered
 * backoff, and the gap is reported: the server has no replay.
 */
export class SseChannel {
  #current: Live | undefined;
  #previous: Live | undefined;
  /** Keys seen since a rollover began, and which stream brought them. */
  #seen: Map<string, Live> | undefined;
  /** The new stream's events, held until the old stream is done. */
  #held: StreamEvent[] = [];
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #idle = new IdleTimer(SSE_IDLE_MS, () => this.#onIdle());
  #everOpened = false;
  #reconnecting = false;
  /** In the back/forward cache: no stream, no timer, until the page is shown. */
  #suspended = false;
  #closed = false;

  readonly #hooks: SseChannelHooks;
  readonly #options: Retrying;

  constructor(hooks: SseChannelHooks, options: Retrying) {
    this.#hooks = hooks;
    this.#options = options;
  }

  /** Opens the first stream, or lets `resume()` open it if suspended. */
  start(): void {
    if (!this.#suspended) this.#open("first");
  }

  /** The network is back, or the page is shown again: a backoff wait ends now. */
  resume(): void {
    // Waiting out a backoff is the one moment with no current stream.
    if (this.#closed || (!this.#suspended && (this.#current || this.#timer === undefined))) return;
    this.#suspended = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt = 0;
    this.#open(this.#everOpened ? "reconnect" : "first");
  }

  /**
   * The page is going into the back/forward cache: an open fetch keeps a
   * page out of it, and a frozen page reads nothing anyway. The streams go
   * until {@link resume}, which reports the gap; no retry is used up.
   */
  suspend(): void {
    if (this.#closed || this.#suspended) return;
    this.#suspended = true;
    this.#stop();
    this.#seen = undefined;
    this.#held = [];
    if (!this.#everOpened || this.#reconnecting) return;
    this.#reconnecting = true;
    this.#hooks.reconnecting(true, new ConnectionError("the page went into the back/forward cache"));
  }

  /** Closes every stream and stops reconnecting. */
  close(): void {
    this.#closed = true;
    this.#stop();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    this.#idle.stop();
    this.#current?.stream?.close();
    this.#previous?.stream?.close();
    this.#current = undefined;
    this.#previous = undefined;
  }

  #open(kind: DialKind, swap = false): void {
    if (this.#closed) return;
    const live: Live = { stream: undefined, count: 0, swap };
    if (kind === "rollover") {
      this.#previous = this.#current;
      this.#seen = new Map();
      this.#held = [];
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
    this.#idle.start();
    if (live.swap) this.#handOver(true);
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
    // A stream given up on may still have had an event in flight.
    if (this.#closed || (live !== this.#current && live !== this.#previous)) return;
    live.count++;
    this.#idle.heard();
    // Reset only once events flow: a server that ends every stream at once
    // (a revoked token answers 200 and ends) must still back off.
    if (live === this.#current) this.#attempt = 0;
    if (this.#previous) this.#duringRollover(live, event);
    else if (live === this.#current && this.#fresh(event)) this.#hooks.event(event);
    if (live === this.#previous && live.count >= SSE_CREDITS) this.#handOver(true);
    if (live !== this.#current || this.#closed) return;
    if (live.count >= SSE_CREDITS) {
      // Spent: its rollover kept failing, or the old stream stalled with no
      // overlap seen. Start over; the reconnect reports the gap.
      if (this.#previous) this.#handOver(false);
      this.#onEnd(live, undefined);
    } else if (!this.#previous && live.count >= SSE_ROLLOVER_AT) {
      this.#open("rollover");
    }
  }

  /** Both streams are up: the old one delivers, the new one's events wait for proof of overlap. */
  #duringRollover(live: Live, event: StreamEvent): void {
    this.#seen ??= new Map();
    const seen = this.#seen;
    const key = keyOf(event);
    const by = seen.get(key);
    // A key repeated on one stream is a different event (same type, time and
    // topic): one stream never sends an event twice.
    if (by !== undefined && by !== live) {
      // Through both streams: nothing fell between them. The new stream's
      // copy of an event the old one delivered is dropped; the old stream's
      // copy of a held event goes out with the held ones, in their order.
      this.#handOver(false);
      return;
    }
    seen.set(key, live);
    if (live === this.#previous) {
      this.#hooks.event(event);
      return;
    }
    this.#held.push(event);
    this.#holdTimer ??= setTimeout(() => this.#handOver(true), SSE_HOLD_MS);
  }

  /** After a rollover: `false` for the new stream's copy of an event the old stream delivered. */
  #fresh(event: StreamEvent): boolean {
    const seen = this.#seen;
    if (!seen) return true;
    const by = seen.get(keyOf(event));
    if (by !== undefined && by !== this.#current) return false;
    // The first event past the overlap: everything from here on is new.
    this.#seen = undefined;
    return true;
  }

  /** Closes the old stream and lets the held events out, after a gap when the overlap was never seen. */
  #handOver(gap: boolean): void {
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    this.#previous?.stream?.close();
    this.#previous = undefined;
    const held = this.#held;
    this.#held = [];
    if (gap) this.#hooks.gap();
    for (const event of held) {
      if (this.#closed) return;
      this.#hooks.event(event);
    }
  }

  #onEnd(live: Live, error: DispatchError | undefined): void {
    if (this.#closed) return;
    if (live === this.#previous) return this.#handOver(true);
    if (live !== this.#current) return;
    if (error && isFinal(error)) return this.#fail(error);
    if (this.#previous) {
      // The rollover stream failed: keep the old one (it still has credits).
      // What the failed stream held was never delivered; the old stream
      // delivers it, and its next event starts another rollover.
      clearTimeout(this.#holdTimer);
      this.#holdTimer = undefined;
      this.#held = [];
      this.#seen = undefined;
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
    if (!this.#options.reconnect || this.#attempt >= this.#options.maxRetries) {
      const why = error?.message ?? "the SSE stream ended";
      return this.#fail(
        this.#options.reconnect
          ? // The failed stream, and each retry since the last event (they failed too).
            new ConnectionError(gaveUp(this.#attempt + 1, why), { cause: error })
          : (error ?? new ConnectionError("the SSE stream ended and reconnecting is off")),
      );
    }
    const delay = sseRetryDelay(this.#attempt++, this.#options);
    if (!this.#reconnecting) {
      this.#reconnecting = true;
      this.#hooks.reconnecting(true, error ?? new ConnectionError("the SSE stream ended"));
    }
    const kind = this.#everOpened ? "reconnect" : "first";
    this.#timer = setTimeout(() => this.#open(kind), delay);
  }

  /** Silent for {@link SSE_IDLE_MS}: maybe half-open, maybe quiet. */
  #onIdle(): void {
    if (this.#closed) return;
    // Both streams silent through a rollover: the old one is let go.
    if (this.#previous) this.#handOver(true);
    else if (this.#current?.openedAt !== undefined) this.#open("rollover", true);
  }

  #fail(error: DispatchError): void {
    this.close();
    this.#hooks.failed(error);
  }
}

/** What identifies one event across two streams: the server has no event ids. */
function keyOf(event: StreamEvent): string {
  return `${event.type}\u0000${event.ts}\u0000${event.topic ?? ""}`;
}
