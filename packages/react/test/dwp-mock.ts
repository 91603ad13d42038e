/**
 * A scripted DWP server on msw's `ws.link`: answers the auth handshake,
 * subscribe/unsubscribe and pings by itself, records every frame the client
 * sends, and lets a test answer requests and push events exactly when and in
 * what order it wants (duplicates, reordering, late events).
 */
import type { Job, StreamEvent } from "@dispatch/client";
import { ws } from "msw";
import { setupServer } from "msw/node";

export interface ClientFrame {
  id: string;
  type: string;
  method?: string;
  data?: Record<string, unknown>;
  credits?: number;
}

type Connection = { send(data: string): void; close(): void };
type Answer = (frame: ClientFrame) => unknown | Promise<unknown>;

export const MOCK_URL = "ws://127.0.0.1:7777/dwp";
export const TOKEN = "dk_test_mock";
const ts = (): string => new Date().toISOString();

export class ServerError {
  constructor(
    readonly code: number,
    readonly message: string,
  ) {}
}

export function createDwpMock(url = MOCK_URL) {
  const link = ws.link(url);
  const frames: ClientFrame[] = [];
  const answers = new Map<string, Answer>();
  let connections: Connection[] = [];

  const reply = (conn: Connection, frame: ClientFrame, result: unknown): void => {
    if (result instanceof ServerError) {
      conn.send(
        JSON.stringify({
          id: "e",
          type: "error",
          correl_id: frame.id,
          error: { code: result.code, message: result.message },
          ts: ts(),
        }),
      );
    } else {
      conn.send(JSON.stringify({ id: "r", type: "response", correl_id: frame.id, data: result, ts: ts() }));
    }
  };

  const handler = link.addEventListener("connection", ({ client }) => {
    connections.push(client);
    client.addEventListener("message", (message) => {
      const frame = JSON.parse(String(message.data)) as ClientFrame;
      frames.push(frame);
      if (frame.type === "ping") {
        client.send(JSON.stringify({ id: "p", type: "pong", correl_id: frame.id, ts: ts() }));
        return;
      }
      if (frame.type !== "request" || frame.method === undefined) return; // credit grants
      if (frame.method === "auth") {
        reply(client, frame, { format: "json", session_id: `s${connections.length}` });
        return;
      }
      if (frame.method === "subscribe" || frame.method === "unsubscribe") {
        const status = frame.method === "subscribe" ? "subscribed" : "unsubscribed";
        reply(client, frame, { channel: frame.data?.channel, status });
        return;
      }
      const answer = answers.get(frame.method);
      if (answer === undefined) {
        reply(client, frame, new ServerError(405, `unknown method: ${frame.method}`));
        return;
      }
      void Promise.resolve(answer(frame)).then((result) => reply(client, frame, result));
    });
    client.addEventListener("close", () => {
      connections = connections.filter((c) => c !== client);
    });
  });

  return {
    server: setupServer(handler),
    frames,
    /** Answers `method` requests; may return a promise to hold the answer back. */
    answer(method: string, answer: Answer): void {
      answers.set(method, answer);
    },
    /** Pushes an event frame to every connection, as the server labels it. */
    emit(event: StreamEvent): void {
      const frame = JSON.stringify({ id: "ev", type: "event", channel: event.topic, data: event, ts: ts() });
      for (const conn of connections) conn.send(frame);
    },
    /** Drops every connection (the client sees a close and reconnects). */
    drop(): void {
      for (const conn of connections) conn.close();
    },
    sent(method: string, channel?: string): ClientFrame[] {
      return frames.filter(
        (f) => f.method === method && (channel === undefined || f.data?.channel === channel),
      );
    },
  };
}

export type DwpMock = ReturnType<typeof createDwpMock>;

/** A job as `job.get` sends it (payload base64). */
export function wireJob(id: string, overrides: Partial<Job> = {}): Record<string, unknown> {
  const at = new Date(Date.now() - 60_000).toISOString();
  return {
    created_at: at,
    updated_at: at,
    id,
    name: "send-email",
    queue: "default",
    payload: btoa(JSON.stringify({ to: "ada@example.com" })),
    state: "pending",
    priority: 0,
    max_retries: 3,
    retry_count: 0,
    worker_id: "",
    run_at: at,
    ...overrides,
  };
}

/** A job event as the server publishes it. */
export function jobEvent(
  type: Extract<StreamEvent, { type: `job.${string}` }>["type"],
  jobId: string,
  at: Date,
  extra: Record<string, unknown> = {},
): StreamEvent {
  return {
    type,
    ts: at.toISOString(),
    topic: `job:${jobId}`,
    data: { job_id: jobId, job_name: "send-email", queue: "default", ...extra },
  } as StreamEvent;
}

/** A deferred answer, released by the test. */
export function held<T>(): { promise: Promise<T>; release(value: T): void } {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}
