import { afterEach, beforeEach, vi } from "vitest";
import { Dispatch } from "../src/client.js";
import type { DispatchOptions, WebSocketConstructor } from "../src/options.js";

/**
 * A scriptable stand-in for the WebSocket constructor, for unit tests that
 * drive the handshake, heartbeat and reconnection with fake timers.
 */
export class FakeSocket extends EventTarget {
  static instances: FakeSocket[] = [];
  readyState = 0;
  binaryType = "blob";
  readonly sent: Array<string | Uint8Array> = [];

  constructor(readonly url: string) {
    super();
    FakeSocket.instances.push(this);
  }

  static reset(): void {
    FakeSocket.instances = [];
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error("no socket was created");
    return socket;
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(data);
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(
      () => this.dispatchEvent(Object.assign(new Event("close"), { code, reason, wasClean: true })),
      0,
    );
  }

  /** The server accepts the connection. */
  accept(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }

  /** The server sends a message. */
  receive(data: string | ArrayBuffer): void {
    this.dispatchEvent(Object.assign(new Event("message"), { data }));
  }

  /** The connection dies without a close frame (the client sees 1006). */
  drop(code = 1006): void {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason: "", wasClean: false }));
  }

  /** Sent frames, decoded from JSON text. */
  frames(): Array<Record<string, unknown>> {
    return this.sent.filter((m): m is string => typeof m === "string").map((m) => JSON.parse(m));
  }

  /** Answers the auth frame the client sent. */
  acceptAuth(format: "json" | "msgpack" = "json", sessionId = "ws_1"): void {
    const auth = this.frames().find((f) => f.method === "auth");
    if (!auth) throw new Error("no auth frame sent");
    this.receive(
      JSON.stringify({
        id: "20260102030405.000000001",
        type: "response",
        correl_id: auth.id,
        data: { format, session_id: sessionId },
        ts: "2026-01-02T03:04:05Z",
      }),
    );
  }
}

/** `FakeSocket` typed as the constructor a client takes. */
export const FakeWebSocket = FakeSocket as unknown as WebSocketConstructor;
/** A loopback URL nothing listens on: the fake socket never dials it. */
export const FAKE_URL = "ws://127.0.0.1:1/dwp";

/** Lets partysocket's zero-delay connect timer and pending promises run (fake timers). */
export const settle = (): Promise<unknown> => vi.advanceTimersByTimeAsync(1);

/** A client on a fake socket whose session the test opened ("ws_1"). */
export async function openFakeClient(options: DispatchOptions = {}) {
  const client = new Dispatch({ url: FAKE_URL, token: "dk_test_a", WebSocket: FakeWebSocket, ...options });
  const connected = client.connect();
  await settle();
  FakeSocket.latest().accept();
  await settle();
  FakeSocket.latest().acceptAuth();
  return { client, sessionId: await connected };
}

/** Answers the latest `method` request on `socket` with an empty result. */
export function answer(socket: FakeSocket, method: string): void {
  const request = socket.frames().findLast((f) => f.method === method);
  if (!request) throw new Error(`no ${method} frame sent`);
  socket.receive(JSON.stringify({ id: "r", type: "response", correl_id: request.id, data: {}, ts: "" }));
}

/** Fake timers and a fresh socket list around each test of the calling file. */
export function useFakeSockets(): void {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.reset();
  });
  afterEach(() => vi.useRealTimers());
}
