import { ConnectionError } from "./errors.js";

interface Entry {
  refs: number;
  /** Session in which the subscribe frame was sent, if any. */
  sentIn: number | undefined;
  /** Session in which the server confirmed it, if any. */
  liveIn: number | undefined;
}

/** Sends `subscribe`/`unsubscribe` for one wire channel on the open session. */
export type WireRequest = (method: "subscribe" | "unsubscribe", channel: string) => Promise<unknown>;

/**
 * Reference counts of the channels subscribed on the wire. Two local
 * subscriptions to one channel share one `subscribe` frame; `unsubscribe`
 * goes out when the last leaves. Subscriptions do not survive a reconnect (the
 * server issues a new session), so every counted channel is subscribed again
 * on each new session.
 */
export class WireSubscriptions {
  readonly #entries = new Map<string, Entry>();
  #session = 0;
  #open = false;

  readonly #request: WireRequest;
  readonly #onAnswer: (channel: string, error?: unknown) => void;

  /**
   * @param onAnswer the server confirmed `channel` on the current session
   *   (at first and after each reconnect), or refused it for good (`error`).
   */
  constructor(request: WireRequest, onAnswer: (channel: string, error?: unknown) => void) {
    this.#request = request;
    this.#onAnswer = onAnswer;
  }

  /**
   * Counts one more user of `channel`. Its confirmation arrives through
   * `onAnswer`; `true` means the current session already confirmed it.
   */
  acquire(channel: string): boolean {
    const existing = this.#entries.get(channel);
    if (existing) {
      existing.refs++;
      return this.#open && existing.liveIn === this.#session;
    }
    const entry: Entry = { refs: 1, sentIn: undefined, liveIn: undefined };
    this.#entries.set(channel, entry);
    if (this.#open) this.#send(channel, entry);
    return false;
  }

  /** Counts one user less; unsubscribes on the wire when it was the last. */
  async release(channel: string): Promise<void> {
    const entry = this.#entries.get(channel);
    if (!entry || --entry.refs > 0) return;
    this.#entries.delete(channel);
    // With no session the server holds no subscription to remove.
    if (!this.#open || entry.sentIn !== this.#session) return;
    try {
      await this.#request("unsubscribe", channel);
    } catch {
      // The socket dropped meanwhile: the server forgot the subscription anyway.
    }
  }

  /** A session opened: subscribe every counted channel on it. */
  opened(): void {
    this.#session++;
    this.#open = true;
    for (const [channel, entry] of this.#entries) this.#send(channel, entry);
  }

  /** Whether a session is open and its channels were subscribed again. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** The session is gone. */
  closed(): void {
    this.#open = false;
  }

  #send(channel: string, entry: Entry): void {
    const session = this.#session;
    entry.sentIn = session;
    this.#request("subscribe", channel).then(
      () => {
        // A confirmation from a session already gone says nothing about this one.
        if (session !== this.#session || !this.#open || this.#entries.get(channel) !== entry) return;
        entry.liveIn = session;
        this.#onAnswer(channel);
      },
      (error: unknown) => {
        // A drop is retried on the next session; a refusal (400/403) is final.
        if (error instanceof ConnectionError || session !== this.#session) return;
        if (this.#entries.get(channel) !== entry) return;
        this.#entries.delete(channel);
        this.#onAnswer(channel, error);
      },
    );
  }
}
