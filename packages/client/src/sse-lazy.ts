import type { ConnectionState, ConnectionStatus } from "./connection-state.js";
import { idleStatus, Observable } from "./connection-state.js";
import { ConnectionError, type DispatchError } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { RequestOptions } from "./requests.js";
import type { SseLink } from "./sse-link.js";
import type { Subscription } from "./subscription.js";

/**
 * Stands in for `SseLink` until its module has loaded, so WebSocket-only
 * bundles never carry the SSE transport: every call waits for the load, and
 * the link's status is mirrored here.
 */
export class LazySseLink {
  readonly status = new Observable<ConnectionStatus>(idleStatus("json"));
  readonly #link: Promise<SseLink>;
  /** The link once loaded: close() reaches it at once, as the socket's does. */
  #loaded: SseLink | undefined;
  /** Subscribed to before the link loaded. */
  readonly #pending = new Set<Subscription>();
  #closedWith: { error: DispatchError | undefined } | undefined;

  constructor(options: ResolvedOptions, onGap: (channels: string[], reason?: "subscribe") => void) {
    this.#link = import("./sse-link.js").then(
      ({ SseLink }) => {
        const link = new SseLink(options, onGap);
        // Once closed here, the link's own "closed" is not news.
        link.status.subscribe((status) => {
          if (this.state !== "closed") this.status.set(status);
        });
        if (this.#closedWith) link.close(this.#closedWith.error);
        this.#loaded = link;
        return link;
      },
      // A chunk that fails to load (offline, a deploy that removed it) closes
      // the client with a clear error rather than leaving every call pending.
      (err: unknown) => {
        const error = new ConnectionError(`the SSE transport failed to load: ${(err as Error).message}`, {
          closed: true,
          cause: err,
        });
        this.close(error);
        throw error;
      },
    );
    this.#link.catch(() => {});
  }

  get state(): ConnectionState {
    return this.status.get().state;
  }

  start(): void {
    if (this.state === "idle") this.status.patch({ state: "connecting" });
    this.#link.then((link) => link.start(), ignore);
  }

  async request(method: string, dataJson: string | undefined, options: RequestOptions): Promise<unknown> {
    return (await this.#link).request(method, dataJson, options);
  }

  subscribe(sub: Subscription): void {
    if (this.#loaded) return this.#loaded.subscribe(sub);
    // Until the link loads, close() ends it from here.
    this.#pending.add(sub);
    this.#link.then(
      (link) => this.#pending.delete(sub) && link.subscribe(sub),
      (error: DispatchError) => this.#pending.delete(sub) && sub.end(error),
    );
  }

  async release(sub: Subscription): Promise<void> {
    return (await this.#link).release(sub);
  }

  close(error?: DispatchError): void {
    // Closed already (by the link itself, on a refused token): keep its error.
    if (this.state === "closed") {
      this.#closedWith ??= { error: this.status.get().error };
      return;
    }
    this.#closedWith ??= { error };
    this.status.patch({ state: "closed", error });
    // Not a microtask later: a listener that closes the client must be handed
    // nothing more, and every subscription is closed when close() returns.
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const sub of pending) sub.end(error);
    if (this.#loaded) this.#loaded.close(error);
    else this.#link.then((link) => link.close(error), ignore);
  }
}

/** The load failure is reported once, by the constructor. */
function ignore(): void {}
