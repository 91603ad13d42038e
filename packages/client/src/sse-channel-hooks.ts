import type { DispatchError } from "./errors.js";
import type { StreamEvent } from "./protocol/types.js";
import type { SseStream, SseStreamHandlers } from "./transports/sse.js";

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
  /** `true` while no stream is up and one is being re-opened (or the page is cached), with why it went down. */
  reconnecting(value: boolean, error?: DispatchError): void;
  /** The channel cannot be served: refused, or out of retries. */
  failed(error: DispatchError): void;
  /** For the logger: a stream is being opened, synchronously with its cause. */
  opening(kind: DialKind): void;
}
