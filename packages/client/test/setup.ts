import { createDevServer, type DevServer, type DevServerOptions } from "@dispatch/dev-server";
import { afterEach } from "vitest";
import WS from "ws";
import { Dispatch } from "../src/client.js";
import type { DispatchOptions, WebSocketConstructor } from "../src/options.js";

/** Every message the client sent, and the URLs it connected to. */
export interface Recorder {
  urls: string[];
  /** Every socket the client opened, in order. */
  sockets: WS[];
  sent: Array<string | Uint8Array>;
  /** Sent JSON frames with this method. */
  frames(method?: string): Array<Record<string, unknown>>;
}

/** `ws` (Node 20 has no global WebSocket), recording what the client sends. */
export function recordingWebSocket(): { WebSocket: WebSocketConstructor; recorder: Recorder } {
  const recorder: Recorder = {
    urls: [],
    sockets: [],
    sent: [],
    frames(method) {
      return this.sent
        .filter((m): m is string => typeof m === "string")
        .map((m) => JSON.parse(m) as Record<string, unknown>)
        .filter((f) => method === undefined || f.method === method);
    },
  };
  class Recording extends WS {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      recorder.urls.push(url);
      recorder.sockets.push(this);
    }
    override send(data: unknown, ...rest: unknown[]): void {
      recorder.sent.push(data as string);
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  return { WebSocket: Recording as unknown as WebSocketConstructor, recorder };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A dev server on 127.0.0.1, port 0, closed after the test. */
export async function startServer(options: DevServerOptions = {}): Promise<DevServer> {
  const server = await createDevServer({ port: 0, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** A client of `server` using `ws`, closed after the test. */
export function clientFor(server: DevServer, options: DispatchOptions = {}) {
  const { WebSocket, recorder } = recordingWebSocket();
  const client = new Dispatch({ url: server.url, token: "dk_test_local", WebSocket, ...options });
  cleanups.push(() => client.close());
  return { client, recorder };
}

/** A WebSocket that must never be constructed in SSE mode. */
const NoWebSocket = class {
  constructor() {
    throw new Error("SSE mode opened a WebSocket");
  }
} as unknown as WebSocketConstructor;

/** A `transport: "sse"` client with quick retries and token `dk_test_sse`, closed after the test. */
export function sseClientFor(url: string, options: DispatchOptions = {}): Dispatch {
  const client = new Dispatch({
    url,
    token: "dk_test_sse",
    transport: "sse",
    WebSocket: NoWebSocket,
    minReconnectDelay: 10,
    maxReconnectDelay: 50,
    ...options,
  });
  cleanups.push(() => client.close());
  return client;
}

/** Resolves when `predicate` holds for the client's state. */
export function stateReaches(client: Dispatch, state: Dispatch["state"]): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === state) return resolve();
    const off = client.onStateChange((s) => {
      if (s === state) {
        off();
        resolve();
      }
    });
  });
}

export const formats = ["json", "msgpack"] as const;
