import { createParser } from "eventsource-parser";
import { AuthError, ConnectionError, DispatchError, TimeoutError } from "../errors.js";
import type { StreamEvent } from "../protocol/types.js";
import { timerDelay } from "../timer-delay.js";
import { httpBaseOf } from "./rpc.js";

/** What one SSE stream reports. */
export interface SseStreamHandlers {
  /** The server answered 200 with an event stream. */
  open(): void;
  /** One stream event, in order. */
  event(event: StreamEvent): void;
  /**
   * The stream is over: `undefined` when the server ended it, else why it
   * failed. Never called after `close()`.
   */
  end(error: DispatchError | undefined): void;
}

/** One `GET /dwp/sse` request. */
export interface SseStreamOptions {
  fetch: typeof fetch;
  /** From `sseUrlOf`. */
  url: string;
  logger?: { warn(message: string, ...details: unknown[]): void } | undefined;
  /** How long the response headers may take, in ms; then `end` gets a `TimeoutError`. */
  timeout?: number | undefined;
}

/** A running stream; `close()` aborts it without calling `end`. */
export interface SseStream {
  close(): void;
}

/**
 * `GET /dwp/sse?token=T&channel=C` from a DWP URL (`ws(s)://host/dwp` or the
 * http(s) base). The token has to go in the query string: that is the only
 * place the server reads it from on this endpoint.
 */
export function sseUrlOf(dwpUrl: string, token: string, channel: string): string {
  const url = httpBaseOf(dwpUrl);
  url.pathname = `${url.pathname.replace(/\/rpc$/, "")}/sse`;
  url.searchParams.set("token", token);
  url.searchParams.set("channel", channel);
  return url.toString();
}

function statusError(response: Response): DispatchError {
  const message = `SSE answered ${response.status} ${response.statusText}`.trim();
  if (response.status === 401) return new AuthError(message);
  return new DispatchError(response.status, message);
}

/**
 * Opens one SSE stream over `fetch` (not `EventSource`, which Node lacks and
 * which would reconnect on its own with no way to count events or report a
 * gap) and parses it with `eventsource-parser`. The SSE `event:` is the event
 * type; `data:` is the JSON stream event `{type, ts, topic, data}`.
 *
 * @example
 * ```ts
 * const stream = openSseStream(
 *   { fetch, url: sseUrlOf("https://api.example.com/dwp", token, "jobs") },
 *   { open: () => {}, event: (e) => console.log(e.type), end: (err) => console.log("ended", err) },
 * );
 * stream.close();
 * ```
 */
export function openSseStream(options: SseStreamOptions, handlers: SseStreamHandlers): SseStream {
  const controller = new AbortController();
  let closed = false;
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    closed = true;
    clearTimeout(timer);
    controller.abort();
    // A fetch that does not tie the body to its signal still lets go of it.
    reader?.cancel().catch(() => {});
  };
  const finish = (error: DispatchError | undefined): void => {
    if (closed) return;
    stop();
    handlers.end(error);
  };
  const parser = createParser({
    onEvent: (message) => {
      if (closed) return;
      let event: StreamEvent;
      try {
        event = JSON.parse(message.data) as StreamEvent;
      } catch (err) {
        options.logger?.warn("ignored an SSE message that is not JSON", message.data, err);
        return;
      }
      if (typeof event?.type !== "string") {
        options.logger?.warn("ignored an SSE message without a stream event", message.data);
        return;
      }
      handlers.event(event);
    },
  });
  // Without it, a proxy that holds the request leaves the channel waiting for
  // good, or deaf after a rollover, while the client says "open".
  if (options.timeout !== undefined && Number.isFinite(options.timeout)) {
    timer = setTimeout(
      () => finish(new TimeoutError(`the SSE endpoint gave no response within ${options.timeout} ms`)),
      timerDelay(options.timeout),
    );
  }
  const run = async (): Promise<void> => {
    const response = await options.fetch(options.url, {
      headers: { Accept: "text/event-stream" },
      signal: controller.signal,
    });
    clearTimeout(timer);
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return finish(statusError(response));
    }
    // Closed while the headers were on their way: a fetch that ignores the
    // signal would keep the body open.
    if (closed) return void response.body?.cancel().catch(() => {});
    // A proxy's login page or a wrong path answering 200 with HTML must not
    // count as an open stream (it would end, reconnect, and loop).
    if (!response.headers.get("content-type")?.includes("text/event-stream")) {
      await response.body?.cancel().catch(() => {});
      return finish(new DispatchError("protocol", `SSE answered ${response.status} without an event stream`));
    }
    handlers.open();
    const body = response.body;
    if (!body) return finish(undefined);
    reader = body.pipeThrough(new TextDecoderStream()).getReader();
    while (!closed) {
      const { done, value } = await reader.read();
      if (done) return finish(undefined);
      parser.feed(value);
    }
  };
  // Some fetch implementations (node-fetch) name the URL in their errors,
  // and the URL carries the token: keep it out of status.error.message.
  const token = new URL(options.url).searchParams.get("token");
  const withoutToken = (text: string): string =>
    token ? text.replaceAll(encodeURIComponent(token), "[redacted]").replaceAll(token, "[redacted]") : text;
  run().catch((err: unknown) => {
    if (closed) return;
    finish(
      err instanceof DispatchError
        ? err
        : new ConnectionError(`SSE stream failed: ${withoutToken((err as Error)?.message ?? String(err))}`, {
            cause: err,
          }),
    );
  });
  return {
    close: () => {
      if (!closed) stop();
    },
  };
}
