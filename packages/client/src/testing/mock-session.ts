import type { Format } from "../codecs/codec.js";
import type { StreamEvent } from "../protocol/types.js";
import { type AnyHandler, settle } from "./mock-answer.js";
import { MockError, toErrorDetail } from "./mock-error.js";
import { mayCall, type TokenScopes } from "./scopes.js";
import { type ClientFrame, decodeClientFrame, encodeServerFrame, type ServerFrame } from "./server-codec.js";
import { channelError, topicsOf } from "./topics.js";

/**
 * The server's starting credit balance for every connection.
 *
 * @example
 * ```ts
 * // A client that grants no credits of its own hears this many, then silence.
 * for (let i = 0; i <= INITIAL_CREDITS; i++) mock.emit(jobEvent("job.started", `job_${i}`));
 * expect(mock.dropped).toBe(1);
 * ```
 */
export const INITIAL_CREDITS = 1000;

/** The side of msw's connection the mock talks to. */
export interface MockSocket {
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** What a session needs from the mock that owns it. */
export interface SessionHost {
  /** Accepted tokens and their scopes; `undefined` accepts any, with every scope. */
  readonly tokens: TokenScopes;
  readonly sequential: boolean;
  /** Records a frame on arrival. */
  received(frame: ClientFrame): void;
  /** Called once a frame has taken effect (answered, credits added). */
  processed(frame: ClientFrame): void;
  /** Runs the user's handler; `undefined` handler means none is registered. */
  handler(method: string): AnyHandler | undefined;
  nextSessionId(): string;
}

/**
 * One client connection, played the way the Go server plays it: auth first,
 * then a read loop that answers one request at a time, one subscriber with a
 * credit balance, and at most one copy of each event.
 */
export class MockSession {
  format: Format = "json";
  sessionId: string | undefined;
  credits = INITIAL_CREDITS;
  readonly topics = new Set<string>();
  /** The scopes of the token this connection authenticated with; `undefined`: all. */
  private scopes: readonly string[] | undefined;
  #queue: Promise<void> = Promise.resolve();
  /** Dropped (or forgotten by reset): counts as closed at once, and runs nothing more. */
  #gone = false;

  constructor(
    private readonly socket: MockSocket,
    private readonly host: SessionHost,
  ) {}

  get authenticated(): boolean {
    return this.sessionId !== undefined && !this.#gone;
  }

  /** A message from the client. */
  receive(message: unknown): void {
    if (this.#gone) return;
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(message, this.format);
    } catch (err) {
      if (!this.authenticated) return this.refuse(400, "invalid auth frame");
      return this.send({ type: "error", error: { code: 400, message: `invalid frame: ${String(err)}` } });
    }
    this.host.received(frame);
    if (!this.authenticated) {
      this.authenticate(frame);
      return this.host.processed(frame);
    }
    // The server reads one frame at a time: a slow answer holds back every
    // later frame of this connection (pings and credit grants too).
    // A frame still queued when its connection was dropped or reset must not
    // reach the handlers or waiters of whatever test runs next.
    const run = () =>
      this.#gone
        ? Promise.resolve()
        : this.process(frame).then(() => {
            if (!this.#gone) this.host.processed(frame);
          });
    if (this.host.sequential) this.#queue = this.#queue.then(run);
    else void run();
  }

  /** Sends an event if this connection is subscribed to one of its topics and has credits. */
  deliver(event: StreamEvent): "sent" | "unsubscribed" | "no-credits" {
    if (!this.authenticated || !topicsOf(event).some((t) => this.topics.has(t))) return "unsubscribed";
    // No 256-event buffer: it fills only while a socket backs up, which an
    // in-process client never does (the dev server frees a slot the same way).
    if (this.credits <= 0) return "no-credits";
    this.credits--;
    this.send({ type: "event", ...(event.topic ? { channel: event.topic } : {}), data: event });
    return "sent";
  }

  /** Ends the connection without a closing handshake, as a crashed server or network would. */
  drop(): void {
    this.#gone = true;
    this.socket.close(1006, "");
  }

  private authenticate(frame: ClientFrame): void {
    if (frame.type !== "request" || frame.method !== "auth") {
      return this.refuse(400, "first frame must be auth", frame.id);
    }
    // Go decodes data into {token, format string}: null is fine, other types are not.
    const data = frame.data ?? undefined;
    if (
      (data !== undefined && (typeof data !== "object" || Array.isArray(data))) ||
      (data?.token != null && typeof data.token !== "string") ||
      (data?.format != null && typeof data.format !== "string")
    ) {
      return this.refuse(400, "invalid auth data", frame.id);
    }
    const token = typeof data?.token === "string" && data.token !== "" ? data.token : (frame.token ?? "");
    if (this.host.tokens !== undefined && !this.host.tokens.has(token)) {
      return this.refuse(401, "authentication failed", frame.id);
    }
    this.scopes = this.host.tokens?.get(token);
    // Only the exact string "msgpack" selects msgpack; the answer is already in that format.
    this.format = data?.format === "msgpack" ? "msgpack" : "json";
    this.sessionId = this.host.nextSessionId();
    this.send({
      type: "response",
      correl_id: frame.id,
      data: { format: this.format, session_id: this.sessionId },
    });
  }

  /** An auth failure: a JSON error frame, then the connection ends abruptly. */
  private refuse(code: number, message: string, correlId?: string): void {
    this.socket.send(
      encodeServerFrame(
        { type: "error", ...(correlId ? { correl_id: correlId } : {}), error: { code, message } },
        "json",
      ),
    );
    // msw delivers a send in a microtask and a close marks the socket closing
    // at once: close after the error frame is out, or the client never reads it.
    queueMicrotask(() => this.drop());
  }

  private async process(frame: ClientFrame): Promise<void> {
    if (frame.type === "ping")
      return this.send({ type: "pong", correl_id: frame.id, ...(frame.ts ? { ts: frame.ts } : {}) });
    // The scope is checked before anything else, a credit grant naming a method included.
    if (frame.method && !mayCall(this.scopes, frame.method))
      return this.send({
        type: "error",
        correl_id: frame.id,
        error: { code: 403, message: "insufficient permissions" },
      });
    if (typeof frame.credits === "number" && frame.credits > 0) {
      // A grant is consumed whole and never answered, even on a request frame.
      this.credits += frame.credits;
      return;
    }
    // Go hands every other frame to its handler, whatever its type: no method is "unknown method: ".
    try {
      const data = await this.answer(frame.method ?? "", frame);
      this.send({ type: "response", correl_id: frame.id, ...(data === undefined ? {} : { data }) });
    } catch (err) {
      this.send({ type: "error", correl_id: frame.id, error: toErrorDetail(err) });
    }
  }

  private async answer(method: string, frame: ClientFrame): Promise<unknown> {
    const isSub = method === "subscribe" || method === "unsubscribe";
    const handler = this.host.handler(method);
    if (method === "auth" || (!handler && !isSub)) throw new MockError(405, `unknown method: ${method}`);
    // The server validates the channel of subscribe only; unsubscribe takes any string.
    if (isSub) {
      const invalid = channelError(method, frame.data);
      if (invalid) throw new MockError(400, invalid);
    }
    const channel = (frame.data?.channel as string | undefined) ?? "";
    const { data, raw } = settle(handler ? await handler(frame.data, frame) : undefined);
    if (!isSub) return data;
    // Like the server: the subscription changes before the answer goes out.
    if (method === "subscribe") this.topics.add(channel as string);
    else this.topics.delete(channel as string);
    if (raw) return data;
    return data ?? { channel, status: method === "subscribe" ? "subscribed" : "unsubscribed" };
  }

  private send(frame: ServerFrame): void {
    this.socket.send(encodeServerFrame(frame, this.format));
  }
}
