/** The clients' fetch: SSE requests are watched, so the model knows which streams each client holds. */
import type { Signal } from "../helpers.js";
import type { ClientRec, StreamRec } from "./records.js";

/** Requests (RPC and SSE) of every client that failed without a response: a restart may wait for some. */
export const failures = { count: 0 };

/** Global fetch, noting each SSE response's life: headers pending, open, then over. */
export function watchedFetch(rec: ClientRec, signal: Signal): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const sse = url.pathname.endsWith("/sse");
    if (sse) rec.pending++;
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (err) {
      failures.count++;
      throw err;
    } finally {
      if (sse) rec.pending--;
      signal.poke();
    }
    if (!sse) return response;
    const body = response.body;
    if (!body) return response;
    const stream: StreamRec = { channel: url.searchParams.get("channel") ?? "", open: true };
    rec.streams.push(stream);
    const over = () => {
      if (!stream.open) return;
      stream.open = false;
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
