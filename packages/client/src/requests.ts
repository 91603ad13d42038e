import {
  AbortError,
  abortedBy,
  ConnectionError,
  type DispatchError,
  errorFromServer,
  TimeoutError,
} from "./errors.js";
import type { Frame } from "./protocol/frame.js";
import { timerDelay } from "./timer-delay.js";

/** Per-call options of every request method. */
export interface RequestOptions {
  /** Rejects with `AbortError` when aborted; a frame already sent is not recalled. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's request timeout, in ms. */
  timeout?: number | undefined;
}

interface Pending {
  id: string;
  /** Order of `start`: the table's keys are in this order. */
  seq: number;
  method: string;
  dataJson: string | undefined;
  sent: boolean;
  timeout: number;
  /** `performance.now()` at which it times out. */
  deadline: number;
  resolve(value: unknown): void;
  reject(error: DispatchError): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Sends one request frame; throws when the frame cannot be sent (oversize). */
export type SendRequest = (id: string, method: string, dataJson: string | undefined) => void;

/**
 * The table of requests awaiting an answer. Requests made while no session is
 * open wait here, unsent, until one opens or their timeout fires; requests in
 * flight when the socket drops fail with `ConnectionError` and are never
 * re-sent, because the server may already have acted on them.
 */
export class RequestTable {
  readonly #pending = new Map<string, Pending>();
  readonly #prefix = `${Math.random().toString(36).slice(2, 8)}-`;
  #counter = 0;
  // One timer for the whole table, armed for the earliest deadline: a timer
  // and two closures per request were most of what 1,000 concurrent requests
  // kept alive, and the garbage collector's work grows with what is alive.
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  readonly #defaultTimeout: number;
  /** Why no session is open (the connection's last error), for the timeouts of unsent requests. */
  readonly #whyNoSession: () => DispatchError | undefined;

  constructor(defaultTimeout: number, whyNoSession: () => DispatchError | undefined = () => undefined) {
    this.#defaultTimeout = defaultTimeout;
    this.#whyNoSession = whyNoSession;
  }

  /** A mark of the requests started so far, for `inFlightBy`. */
  get mark(): number {
    return this.#counter;
  }

  /**
   * Whether a request started by `mark` was sent and still awaits its answer
   * within a finite timeout. One without a deadline (a subscribe) bounds
   * nothing, so it cannot excuse a silent socket.
   */
  inFlightBy(mark: number): boolean {
    for (const p of this.#pending.values()) {
      if (p.seq > mark) return false;
      if (p.sent && p.deadline !== Number.POSITIVE_INFINITY) return true;
    }
    return false;
  }

  /** Registers a request; `send` is called now when a session is open, or later by `flush`. */
  start(
    method: string,
    dataJson: string | undefined,
    options: RequestOptions,
    send: SendRequest | undefined,
  ): Promise<unknown> {
    const { signal } = options;
    const aborted = abortedBy(signal);
    if (aborted) return Promise.reject(aborted);
    const timeout = options.timeout ?? this.#defaultTimeout;
    const seq = ++this.#counter;
    const entry = {
      id: this.#prefix + seq.toString(36),
      seq,
      method,
      dataJson,
      sent: false,
      timeout,
      deadline: performance.now() + timeout,
      signal,
      onAbort: undefined,
    } as Omit<Pending, "resolve" | "reject"> as Pending;
    const promise = new Promise((resolve, reject) => {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    if (signal) {
      entry.onAbort = () =>
        this.#settle(entry.id)?.reject(new AbortError(undefined, { cause: signal.reason }));
      signal.addEventListener("abort", entry.onAbort, { once: true });
    }
    this.#pending.set(entry.id, entry);
    if (entry.deadline < this.#timerAt) this.#arm(entry.deadline);
    if (send) this.#sendEntry(entry, send);
    return promise;
  }

  /** Sends every request that was waiting for a session, in call order. */
  flush(send: SendRequest): void {
    for (const entry of this.#pending.values()) if (!entry.sent) this.#sendEntry(entry, send);
  }

  /** Settles the request a response or error frame answers; `false` if none waits for it. */
  answer(frame: Frame): boolean {
    const id = frame.correl_id;
    if (id === undefined) return false;
    const entry = this.#settle(id);
    if (!entry) return false;
    if (frame.type === "error") {
      const { code = 500, message = "unknown error", details } = frame.error ?? {};
      entry.reject(errorFromServer(code, message, details));
    } else {
      entry.resolve(frame.data);
    }
    return true;
  }

  /** The socket dropped: fails what was sent on it; unsent requests keep waiting. */
  failSent(reason: string): void {
    for (const entry of [...this.#pending.values()]) {
      if (!entry.sent) continue;
      this.#settle(entry.id)?.reject(
        new ConnectionError(
          `${entry.method} failed: ${reason}; it was not re-sent (it may have taken effect)`,
        ),
      );
    }
  }

  /** Fails everything, sent or not. */
  failAll(error: () => DispatchError): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(error());
  }

  #sendEntry(entry: Pending, send: SendRequest): void {
    try {
      send(entry.id, entry.method, entry.dataJson);
      entry.sent = true;
    } catch (err) {
      this.#settle(entry.id)?.reject(err as DispatchError);
    }
  }

  #settle(id: string): Pending | undefined {
    const entry = this.#pending.get(id);
    if (!entry) return undefined;
    this.#pending.delete(id);
    if (entry.onAbort) entry.signal?.removeEventListener("abort", entry.onAbort);
    // An answered request leaves the timer armed for its deadline; the timer
    // then finds nothing due and re-arms. Only an empty table stops it, so no
    // timer outlives the last request.
    if (this.#pending.size === 0) this.#arm(Number.POSITIVE_INFINITY);
    return entry;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    // Capped: a deadline beyond the longest timer re-arms when the timer fires.
    this.#timer = setTimeout(() => this.#expire(), timerDelay(at - performance.now()));
  }

  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of [...this.#pending.values()]) {
      if (entry.deadline > now) {
        next = Math.min(next, entry.deadline);
        continue;
      }
      // Never sent: say why no session opened (a refused connection, say),
      // or a server that is down reads like a slow one.
      const why = entry.sent ? undefined : this.#whyNoSession();
      const unsent = entry.sent ? "" : ` (no session${why ? `: ${why.message}` : ""})`;
      this.#settle(entry.id)?.reject(
        new TimeoutError(`${entry.method} timed out after ${entry.timeout} ms${unsent}`, { cause: why }),
      );
    }
    this.#arm(next);
  }
}
