import type { Format } from "./codecs/codec.js";
import type { DispatchError } from "./errors.js";

/** Where the connection stands. */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** A snapshot of the connection; a new object on every change. */
export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** Why the last connection failed or closed, if it did. */
  readonly error: DispatchError | undefined;
  /** The server's id for the current session. */
  readonly sessionId: string | undefined;
  /** The format in use (the server's answer wins over the request). */
  readonly format: Format;
  /** `Date.now()` when the last session opened. */
  readonly lastConnectedAt: number | undefined;
}

/** The status of a connection that has not started. */
export function idleStatus(format: Format): ConnectionStatus {
  return { state: "idle", error: undefined, sessionId: undefined, format, lastConnectedAt: undefined };
}

/** Which channels may have missed events, and why. */
export interface GapEvent {
  /** Local channels affected. */
  readonly channels: string[];
  /**
   * `reconnect`: events published while disconnected are lost. `overflow`: a
   * full buffer dropped some. `subscribe` (SSE only): a stream went live after
   * reads made over RPC, with nothing ordering the two, so events in between
   * may be missing.
   */
  readonly reason: "reconnect" | "overflow" | "subscribe";
}

/** A throwing listener must not break the connection that notifies it. */
function notify<T>(listeners: Set<(value: T) => void>, value: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (err) {
      console.error("[dispatch] a listener threw", err);
    }
  }
}

/** A tiny observable value: `get` and `subscribe`, as framework adapters expect. */
export class Observable<T> {
  readonly #listeners = new Set<(value: T) => void>();

  #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  get(): T {
    return this.#value;
  }

  set(value: T): void {
    this.#value = value;
    notify(this.#listeners, value);
  }

  /** Sets a copy of the value with `patch` applied. */
  patch(patch: Partial<T>): void {
    this.set({ ...this.#value, ...patch });
  }

  subscribe(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}

/** A set of listeners for a stream of values. */
export class Emitter<T> {
  readonly #listeners = new Set<(value: T) => void>();

  emit(value: T): void {
    notify(this.#listeners, value);
  }

  on(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
