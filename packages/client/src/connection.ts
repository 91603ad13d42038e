import type { Codec, Format, OutboundFrame, WireMessage } from "./codecs/codec.js";
import { jsonCodec } from "./codecs/json.js";
import { type ConnectionState, type ConnectionStatus, idleStatus, Observable } from "./connection-state.js";
import {
  AuthError,
  ConnectionError,
  type DispatchError,
  errorFromServer,
  gaveUp,
  ValidationError,
} from "./errors.js";
import { Heartbeat } from "./heartbeat.js";
import type { ResolvedOptions } from "./options.js";
import { type Frame, MAX_FRAME_BYTES, utf8Length } from "./protocol/frame.js";
import { RetryBudget } from "./retry-budget.js";
import { ReconnectingSocket } from "./socket.js";
import { timerDelay } from "./timer-delay.js";
import { resolveToken } from "./token.js";
import { traceFrame } from "./trace.js";

/** What the client hears from its connection. */
export interface ConnectionHooks {
  /** Every frame after the handshake. */
  frame(frame: Frame): void;
  /** A session opened; `resumed` after an earlier one was lost. */
  opened(resumed: boolean): void;
  /** The open session was lost; a new one may follow. */
  dropped(reason: string): void;
  /** The connection ended for good. */
  closed(error: DispatchError | undefined): void;
  /** A mark of the requests sent so far. */
  mark(): number;
  /** Whether a request sent by `mark` awaits its answer within a finite timeout (the server answers later pings only after it). */
  busy(mark: number): boolean;
  /** Loads the msgpack codec on first use, so JSON-only bundles never include it. */
  loadMsgpack(): Promise<Codec>;
}

interface Handshake {
  socket: WebSocket;
  token: string;
  authId: string;
  format: Format;
  codec: Codec;
  heardAnything: boolean;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One authenticated session at a time over a reconnecting socket: the auth
 * handshake on every new socket, the state machine, the heartbeat, and the
 * guard against msgpack-as-text servers.
 */
export class Connection {
  readonly status: Observable<ConnectionStatus>;
  readonly #socket: ReconnectingSocket;
  readonly #heartbeat: Heartbeat;
  #current: WebSocket | undefined;
  #codec: Codec = jsonCodec;
  #handshake: Handshake | undefined;
  #format: Format;
  readonly #retries = new RetryBudget();
  #hadSession = false;
  #refusedToken: string | undefined;
  #authCounter = 0;
  /** Aborted by close(): a token provider still being asked must not hold a timer. */
  readonly #closer = new AbortController();

  readonly #options: ResolvedOptions;
  readonly #hooks: ConnectionHooks;

  constructor(options: ResolvedOptions, hooks: ConnectionHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.#format = options.format;
    this.status = new Observable<ConnectionStatus>(idleStatus(this.#format));
    this.#socket = new ReconnectingSocket(options, {
      created: (socket) => {
        this.#current = socket;
      },
      open: (socket) =>
        void this.#onOpen(socket).catch((err: unknown) => {
          this.#options.logger?.warn("could not start the handshake", err);
        }),
      message: (data, socket) => this.#onMessage(data, socket),
      close: (code, reason, socket) => this.#onClose(code, reason, socket),
      // Not an attempt that failed: it must not use up maxRetries.
      suspend: () => this.#replace("the page went into the back/forward cache", false),
      unconstructible: (err) => {
        const why = `could not open a WebSocket to ${options.url}: ${err instanceof Error ? err.message : err}`;
        this.close(new ConnectionError(why, { closed: true, cause: err, retryable: false }));
      },
    });
    this.#heartbeat = new Heartbeat(options.heartbeatInterval, {
      ping: () => this.send({ id: `ping-${++this.#authCounter}`, type: "ping", ts: new Date() }),
      dead: () => this.#replace("no frame from the server for two heartbeat intervals (half-open socket)"),
      mark: () => this.#hooks.mark(),
      busy: (mark) => this.#hooks.busy(mark),
    });
  }

  get state(): ConnectionState {
    return this.status.get().state;
  }

  /** Starts connecting; later calls do nothing until `close`. */
  start(): void {
    if (this.state !== "idle") return;
    this.status.patch({ state: "connecting" });
    this.#socket.open();
  }

  /** Encodes and sends a frame on the open session; refuses oversize frames. */
  send(frame: OutboundFrame): void {
    const socket = this.#current;
    if (!socket || this.state !== "open") throw new ConnectionError("no open session");
    const message = this.#codec.encode(frame);
    const size = typeof message === "string" ? utf8Length(message) : message.byteLength;
    if (size > MAX_FRAME_BYTES) {
      throw new ValidationError(
        `frame of ${size} bytes refused: the server drops the connection on messages over 1 MiB, header included (${MAX_FRAME_BYTES} bytes of frame)`,
      );
    }
    if (this.#options.traceFrames) traceFrame(this.#options.logger, "→", frame);
    socket.send(message);
    // A credits grant gets no answer: only a ping or a request expects one.
    if (frame.type === "ping" || frame.method) this.#retries.asked();
  }

  /** Closes for good. */
  close(error?: DispatchError): void {
    if (this.state === "closed") return;
    this.#closer.abort();
    this.#endHandshake();
    this.#heartbeat.stop();
    this.#current = undefined;
    this.#socket.close();
    this.status.patch({ state: "closed", error, sessionId: undefined });
    this.#hooks.closed(error);
  }

  async #onOpen(socket: WebSocket): Promise<void> {
    if (this.#stale(socket)) return;
    let token: string;
    try {
      token = await resolveToken(this.#options.token, this.#options.timeout, this.#closer.signal);
    } catch (err) {
      if (this.#stale(socket)) return;
      // A slow or failing provider gets another chance on a new socket, within maxRetries.
      if ((err as DispatchError).retryable) return this.#replace(err instanceof Error ? err.message : "");
      return this.close(err as DispatchError);
    }
    if (this.#stale(socket)) return;
    if (token === this.#refusedToken)
      return this.close(new AuthError("authentication failed: the token was refused"));
    const authId = `auth-${++this.#authCounter}`;
    let codec = jsonCodec;
    if (this.#format === "msgpack") {
      try {
        codec = await this.#hooks.loadMsgpack();
      } catch (err) {
        // The codec is a lazy chunk; without it a session still works in JSON.
        this.#format = "json";
        this.#options.logger?.warn("the msgpack codec failed to load; using JSON", err);
      }
    }
    const format = this.#format;
    if (this.#stale(socket)) return;
    const timer = setTimeout(
      () => this.#replace("no answer to the auth frame"),
      timerDelay(this.#options.timeout),
    );
    this.#handshake = { socket, token, authId, format, codec, heardAnything: false, timer };
    // The auth frame is always JSON text, whatever format it asks for.
    const auth: OutboundFrame = { id: authId, type: "request", method: "auth", ts: new Date() };
    auth.dataJson = JSON.stringify({ token, format });
    if (this.#options.traceFrames) traceFrame(this.#options.logger, "→", auth);
    socket.send(jsonCodec.encode(auth));
  }

  #onMessage(data: WireMessage, socket: WebSocket): void {
    if (socket !== this.#current) return;
    this.#heartbeat.alive();
    const handshake = this.#handshake;
    let frame: Frame;
    try {
      frame = (handshake?.codec ?? this.#codec).decode(data);
    } catch (err) {
      this.#options.logger?.warn("ignored an undecodable message from the server", err);
      return;
    }
    if (this.#options.traceFrames) traceFrame(this.#options.logger, "←", frame);
    if (!handshake) {
      this.#retries.answered();
      return this.#hooks.frame(frame);
    }
    handshake.heardAnything = true;
    // Only the answer to this auth frame ends the handshake. The server's refusal
    // carries the auth id, or no correl_id when it could not read the frame at
    // all; any other error frame is stray and must not close the client for good.
    const refusal = frame.type === "error" && (frame.correl_id === undefined || frame.correl_id === "");
    if (frame.correl_id !== handshake.authId && !refusal) return;
    this.#endHandshake();
    if (frame.type === "error") return void this.#refused(frame, handshake.token);
    const answer = (frame.data ?? {}) as { format?: string; session_id?: string };
    // Anything but msgpack falls back to JSON on the server: trust its answer.
    this.#codec = answer.format === "msgpack" ? handshake.codec : jsonCodec;
    const resumed = this.#hadSession;
    this.#hadSession = true;
    this.#retries.opened();
    this.#heartbeat.start();
    this.status.patch({
      state: "open",
      error: undefined,
      sessionId: answer.session_id,
      format: this.#codec.format,
      lastConnectedAt: Date.now(),
    });
    // A state listener may have closed the client.
    if (this.state !== "open") return;
    this.#hooks.opened(resumed);
  }

  async #refused(frame: Frame, token: string): Promise<void> {
    const { code = 400, message = "auth refused" } = frame.error ?? {};
    if (code !== 401) return this.close(errorFromServer(code, message));
    // Ask a token provider once more: a rotated token recovers by itself; the
    // same token again means stop, with no retry storm.
    if (typeof this.#options.token !== "function") return this.close(new AuthError(message));
    this.#refusedToken = token;
    const generation = this.#authCounter;
    // A later handshake (or session) that began meanwhile decides, not this late answer.
    const overtaken = () => this.#authCounter !== generation || this.state === "open";
    try {
      const again = await resolveToken(this.#options.token, this.#options.timeout, this.#closer.signal);
      if (overtaken() || again !== token) return;
    } catch (err) {
      // A provider that failed this once is asked again by the next socket.
      if (overtaken() || (err as DispatchError).retryable) return;
      return this.close(new AuthError(message, { cause: err }));
    }
    this.close(new AuthError(message));
  }

  #onClose(code: number, reason: string, socket: WebSocket): void {
    if (this.#stale(socket)) return;
    const handshake = this.#handshake;
    if (handshake?.format === "msgpack" && !handshake.heardAnything && (code === 1006 || code === 1007)) {
      // The Go server writes msgpack as TEXT messages, which are not UTF-8, so
      // WebSocket clients fail the connection at the auth answer. Retrying
      // msgpack would fail forever: fall back to JSON once, and say so.
      this.#format = "json";
      this.#options.logger?.warn(
        "the connection failed right after msgpack was negotiated: the server sends msgpack as text messages, which WebSocket clients reject. Falling back to JSON.",
      );
    }
    this.#lost(`socket closed (${code}${reason ? ` ${reason}` : ""})`);
  }

  /** Whether `socket` was replaced meanwhile or the connection closed (checked after each await). */
  #stale(socket: WebSocket | undefined): boolean {
    return socket !== this.#current || this.state === "closed";
  }

  /** Drops the current socket (half-open, stuck handshake) and connects a new one. */
  #replace(why: string, attempted = true): void {
    if (this.state === "closed") return;
    // A socket that carried a session is replaced at once; a failed handshake
    // (token provider, auth timeout) waits out the backoff like a failed connect.
    const hadSession = this.state === "open";
    this.#lost(why, attempted);
    // lost() may have closed for good (reconnect off, retries exhausted).
    if (this.status.get().state !== "closed") this.#socket.replace(hadSession);
  }

  #lost(why: string, attempted = true): void {
    const wasOpen = this.state === "open";
    this.#endHandshake();
    this.#heartbeat.stop();
    this.#current = undefined;
    if (wasOpen) this.#hooks.dropped(why);
    // Going into the back/forward cache is no attempt that failed.
    if (attempted) wasOpen ? this.#retries.dropped() : this.#retries.failed();
    const spent = this.#retries.spent;
    if (!this.#options.reconnect || spent > this.#options.maxRetries) {
      const message = this.#options.reconnect ? gaveUp(spent, why) : why;
      return this.close(new ConnectionError(message, { retryable: false }));
    }
    const error = new ConnectionError(why);
    this.status.patch({
      state: this.#hadSession ? "reconnecting" : "connecting",
      error,
      sessionId: undefined,
    });
  }

  #endHandshake(): void {
    if (this.#handshake) clearTimeout(this.#handshake.timer);
    this.#handshake = undefined;
  }
}
