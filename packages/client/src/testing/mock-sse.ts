import { HttpResponse, http, type RequestHandler } from "msw";
import type { StreamEvent } from "../protocol/types.js";
import { httpEndpointOf } from "./mock-rpc.js";
import { INITIAL_CREDITS, type SessionHost } from "./mock-session.js";
import { mayCall } from "./scopes.js";
import { topicsOf } from "./topics.js";

/** One open `GET /dwp/sse` stream. */
export interface MockSseStream {
  readonly channel: string;
  /** The server never grants more: after 1,000 events the stream is silent for good. */
  credits: number;
  write(text: string): void;
  /** Ends the stream: `broken` as a network failure, else cleanly. */
  end(broken: boolean): void;
}

const encoder = new TextEncoder();

/**
 * `GET /dwp/sse?token=T&channel=C` as the server plays it: 200 and
 * `retry: 3000` before anything is checked, so a bad token, a missing channel
 * or a missing scope just ends the stream; the channel is not validated; and
 * 1,000 events, never more.
 */
export function sseHandler(dwpUrl: string, host: SessionHost, streams: Set<MockSseStream>): RequestHandler {
  return http.get(httpEndpointOf(dwpUrl, "sse"), ({ request }) => {
    const query = new URL(request.url).searchParams;
    const token = query.get("token") ?? "";
    const channel = query.get("channel") ?? "";
    const refused =
      (host.tokens !== undefined && !host.tokens.has(token)) ||
      channel === "" ||
      !mayCall(host.tokens?.get(token), "subscribe");
    let stream: MockSseStream | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("retry: 3000\n\n"));
        if (refused) return controller.close();
        let open = true;
        const live: MockSseStream = {
          channel,
          credits: INITIAL_CREDITS,
          write: (text) => {
            if (open) controller.enqueue(encoder.encode(text));
          },
          end: (broken) => {
            if (!open) return;
            open = false;
            streams.delete(live);
            if (broken) controller.error(new TypeError("network error"));
            else controller.close();
          },
        };
        stream = live;
        streams.add(live);
      },
      cancel() {
        if (stream) streams.delete(stream);
      },
    });
    request.signal.addEventListener("abort", () => stream?.end(false), { once: true });
    return new HttpResponse(body, {
      status: 200,
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
    });
  });
}

/** Writes `event` to a stream on one of its topics, if it has credits left. */
export function deliverSse(
  stream: MockSseStream,
  event: StreamEvent,
): "sent" | "unsubscribed" | "no-credits" {
  if (!topicsOf(event).includes(stream.channel)) return "unsubscribed";
  if (stream.credits <= 0) return "no-credits";
  stream.credits--;
  const data = JSON.stringify({ type: event.type, ts: event.ts, topic: event.topic, data: event.data });
  stream.write(`event: ${event.type}\ndata: ${data}\n\n`);
  return "sent";
}
