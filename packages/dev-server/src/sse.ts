/**
 * GET /dwp/sse?token=T&channel=C, as handleSSE: a read-only stream of one
 * channel. The stream is opened (200, `retry: 3000`) before anything is
 * checked, so a bad token, a missing channel or a missing scope just ends it.
 * The channel is not validated, and credits are never replenished: after
 * 1,000 events the stream goes silent for good.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type Authenticator, hasScope } from "./auth.js";
import type { Broker } from "./broker.js";
import { goMarshal } from "./codecs/go-json-encode.js";
import { generateFrameId } from "./frames.js";

let sseCounter = 0;

export function handleSse(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  broker: Broker,
  authenticate: Authenticator,
  isSilenced: (socket: Socket) => boolean,
): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 3000\n\n");
  const identity = authenticate(url.searchParams.get("token") ?? "");
  const channel = url.searchParams.get("channel") ?? "";
  if (
    identity === undefined ||
    channel === "" ||
    !(hasScope(identity, "subscribe") || hasScope(identity, "*"))
  ) {
    res.end();
    return;
  }
  const socket = req.socket;
  const id = `sse-${generateFrameId()}-${++sseCounter}`;
  broker.subscribe(
    id,
    (event, done) => {
      if (isSilenced(socket) || res.writableEnded) return;
      const data = goMarshal({ type: event.type, ts: event.ts, topic: event.topic, data: event.data });
      res.write(`event: ${event.type}\ndata: ${data}\n\n`, () => done());
    },
    channel,
  );
  res.on("close", () => broker.removeSubscriber(id));
}
