/** The clients' fetch: SSE requests are watched, so the model knows which streams each client holds. */
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Signal } from "../helpers.js";
import type { ClientRec, StreamRec } from "./records.js";

/** Requests (RPC and SSE) of every client that failed without a response: a restart may wait for some. */
export const failures = { count: 0 };

/**
 * Each SSE request carries a tag the server ignores, so the model can see it
 * from both ends: `server` while the dev server serves it (its response not
 * closed), `client` until its fetch failed or its stream was over. A drop
 * kills every request the server serves, including one whose headers are
 * still on their way: the client will see that stream open, then end, and
 * only the server side knows that ending is coming.
 */
const TAG = "model_request";
const tagged = new Map<number, { server: boolean; client: boolean; signal: Signal }>();
let serial = 0;

function forget(tag: number): void {
  const t = tagged.get(tag);
  if (t && !t.server && !t.client) tagged.delete(tag);
}

subscribe("http.server.request.start", (message) => {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  const tag = Number(new URL(request.url ?? "/", "http://model").searchParams.get(TAG));
  const t = tagged.get(tag);
  if (!t?.client) return;
  t.server = true;
  response.once("close", () => {
    t.server = false;
    forget(tag);
    t.signal.poke();
  });
});

/** The tags of the SSE requests the server serves now: a drop at this moment kills every one. */
export function servedNow(): number[] {
  return [...tagged].filter(([, t]) => t.server).map(([tag]) => tag);
}

/** Whether the client is done with the SSE request `tag`: its fetch failed, or its stream is over. */
export function clientDone(tag: number): boolean {
  return !tagged.get(tag)?.client;
}

/** Global fetch, noting each SSE response's life: headers pending, open, then over. */
export function watchedFetch(rec: ClientRec, signal: Signal): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const sse = url.pathname.endsWith("/sse");
    const tag = ++serial;
    const done = () => {
      const t = tagged.get(tag);
      if (t) t.client = false;
      forget(tag);
    };
    if (sse) {
      rec.pending++;
      tagged.set(tag, { server: false, client: true, signal });
      url.searchParams.set(TAG, String(tag));
    }
    let response: Response;
    try {
      response = await fetch(sse ? url : input, init);
    } catch (err) {
      failures.count++;
      done();
      throw err;
    } finally {
      if (sse) rec.pending--;
      signal.poke();
    }
    if (!sse) return response;
    const body = response.body;
    if (!body) {
      done();
      return response;
    }
    const stream: StreamRec = { channel: url.searchParams.get("channel") ?? "", open: true };
    rec.streams.push(stream);
    const over = () => {
      if (!stream.open) return;
      stream.open = false;
      done();
      signal.poke();
    };
    init?.signal?.addEventListener("abort", over, { once: true });
    if (init?.signal?.aborted) over();
    const reader = body.getReader();
    const watched = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            over();
            controller.close();
          } else controller.enqueue(value);
        } catch (err) {
          over();
          controller.error(err);
        }
      },
      cancel(reason) {
        over();
        return reader.cancel(reason);
      },
    });
    const { status, statusText, headers } = response;
    return new Response(watched, { status, statusText, headers });
  };
}
