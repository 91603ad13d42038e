import { type Channel, wireChannelOf } from "./channels.js";
import type { StreamEvent } from "./protocol/types.js";
import type { Subscription } from "./subscription.js";

/**
 * Which local subscriptions an event reaches. The server labels each event
 * frame with the event's own topic (`job:<id>`) and sends it once per
 * connection, however many of its topics the connection is on, so the client
 * must fan it out: `firehose` takes everything, `jobs`/`workflows` go by type
 * prefix, `job:X`/`workflow:X` by topic, and `queue:Q` (which the server never
 * publishes to) by the job event's `data.queue`.
 */
export class Router {
  readonly #byChannel = new Map<string, Subscription[]>();
  #queueChannels = 0;

  add(subscription: Subscription): void {
    const list = this.#byChannel.get(subscription.channel);
    if (list) list.push(subscription);
    else {
      this.#byChannel.set(subscription.channel, [subscription]);
      if (subscription.channel.startsWith("queue:")) this.#queueChannels++;
    }
  }

  remove(subscription: Subscription): void {
    const list = this.#byChannel.get(subscription.channel);
    if (!list) return;
    const index = list.indexOf(subscription);
    if (index >= 0) list.splice(index, 1);
    if (list.length > 0) return;
    this.#byChannel.delete(subscription.channel);
    if (subscription.channel.startsWith("queue:")) this.#queueChannels--;
  }

  /** Local channels with at least one subscription. */
  channels(): string[] {
    return [...this.#byChannel.keys()];
  }

  /** Every live subscription. */
  all(): Subscription[] {
    return [...this.#byChannel.values()].flat();
  }

  /**
   * The server confirmed the wire channel on this session, or refused it:
   * then its subscriptions leave and end with `error`.
   */
  answer(wireChannel: string, error?: unknown): void {
    // By key, not a scan of every subscription: a reconnect confirms each
    // channel in turn. Only `jobs` also carries other local channels (queue:*).
    const channels =
      wireChannel === "jobs" && this.#queueChannels > 0
        ? [...this.#byChannel.keys()].filter((channel) => wireChannelOf(channel as Channel) === wireChannel)
        : [wireChannel];
    for (const channel of channels) {
      for (const sub of [...(this.#byChannel.get(channel) ?? [])]) {
        // Removed here: an ended subscription never gets to unsubscribe.
        if (error !== undefined) this.remove(sub);
        sub.confirm(error);
      }
    }
  }

  /** Delivers `event` to every matching subscription, each exactly once. */
  route(event: StreamEvent): void {
    const { type } = event;
    this.#deliver("firehose", event);
    if (type.startsWith("job.")) {
      this.#deliver("jobs", event);
      if (this.#queueChannels > 0) {
        const queue = (event.data as { queue?: unknown } | null | undefined)?.queue;
        if (typeof queue === "string") this.#deliver(`queue:${queue}`, event);
      }
    } else if (type.startsWith("workflow.")) {
      this.#deliver("workflows", event);
    }
    // Only entity topics: a frame claiming topic "jobs" or "queue:x" must not
    // reach those subscriptions a second time.
    const topic = event.topic;
    if (typeof topic === "string" && (topic.startsWith("job:") || topic.startsWith("workflow:"))) {
      this.#deliver(topic, event);
    }
  }

  #deliver(channel: string, event: StreamEvent): void {
    const list = this.#byChannel.get(channel);
    if (!list) return;
    if (list.length === 1) list[0]?.deliver(event);
    // A listener may unsubscribe mid-delivery; iterate over a snapshot.
    else for (const sub of list.slice()) sub.deliver(event);
  }
}
