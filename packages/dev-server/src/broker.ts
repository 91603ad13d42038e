/**
 * The stream broker, as dispatch's `stream.Broker`: topics map to
 * subscribers, every connection owns exactly one subscriber, and an event is
 * broadcast once to each subscriber on any of its topics.
 */
import { goQuote } from "./engine/go-quote.js";
import type { StreamEvent } from "./engine/types.js";

/** stream.DefaultCredits */
export const DEFAULT_CREDITS = 1000;
/** stream.DefaultBufferSize */
export const DEFAULT_BUFFER_SIZE = 256;

/**
 * Writes one event out. `done` runs once the write has left the process (the
 * socket took it at once, or the ws.send callback); until then the event
 * occupies a slot of the 256-event buffer, the way it would sit in the Go
 * subscriber's channel while the forwarder is blocked on a full socket.
 * `done` may run more than once.
 */
export type EventSink = (event: StreamEvent, done: () => void) => void;

/**
 * One connection's end of the broker, as Go's `subscriber`: its topics, its
 * flow-control credits (one per event sent) and the writes still in flight.
 * {@link Subscriber.send} drops an event when the credits run out or the
 * buffer is full, as Go does, rather than queue it.
 *
 * @example
 * ```ts
 * const sub = broker.subscribe("conn_1", (event, done) => ws.send(JSON.stringify(event), () => done()), "jobs");
 * sub.addCredits(500); // the client granted more events
 * ```
 */
export class Subscriber {
  /** Events it may still be sent; starts at {@link DEFAULT_CREDITS}. */
  credits = DEFAULT_CREDITS;
  readonly topics = new Set<string>();
  private inFlight = 0;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly sink: EventSink,
  ) {}

  /** Applies a frame's `credits` grant. */
  addCredits(n: number): void {
    this.credits += n;
  }

  /** subscriber.send: `false` when dropped (no credits, or buffer full). */
  send(event: StreamEvent): boolean {
    if (this.closed || this.credits <= 0) return false;
    this.credits--;
    if (this.inFlight >= DEFAULT_BUFFER_SIZE) {
      // Buffer full: Go refunds the credit and drops the event.
      this.credits++;
      return false;
    }
    this.inFlight++;
    let released = false;
    this.sink(event, () => {
      if (released) return;
      released = true;
      this.inFlight--;
    });
    return true;
  }

  /** Stops every further send (the connection is gone). */
  close(): void {
    this.closed = true;
  }
}

/**
 * The broker's counters, as the `stats` method answers them under `broker`
 * (field names as Go's JSON). {@link Broker.stats} lists the Go quirks kept.
 */
export interface BrokerStats {
  topic_count: number;
  subscriber_count: number;
  total_published: number;
  total_dropped: number;
}

/**
 * Routes engine events to subscribers by topic, with Go's credit and buffer
 * limits. The dev server feeds it from `engine.onEvent`; each WebSocket and
 * SSE connection registers one subscriber.
 *
 * @example
 * ```ts
 * const broker = new Broker();
 * broker.subscribe("conn_1", (event, done) => ws.send(JSON.stringify(event), () => done()), "jobs");
 * broker.publish({ type: "job.started", ts, topic: "job:job_1", data: { job_id: "job_1" } }); // 1 delivery
 * ```
 */
export class Broker {
  private readonly topics = new Map<string, Map<string, Subscriber>>();
  private readonly subscribers = new Map<string, Subscriber>();
  private totalPublished = 0;

  /**
   * Registers connection `id` with its sink, on `topics` if given. A
   * WebSocket starts on none and adds them with `subscribe` frames.
   */
  subscribe(id: string, sink: EventSink, ...topics: string[]): Subscriber {
    const sub = new Subscriber(id, sink);
    this.subscribers.set(id, sub);
    for (const topic of topics) this.addTopic(topic, sub);
    return sub;
  }

  /** Adds `topic` to a registered subscriber; an unknown `id` is ignored. */
  subscribeTo(id: string, topic: string): void {
    const sub = this.subscribers.get(id);
    if (sub !== undefined) this.addTopic(topic, sub);
  }

  /** Takes one subscriber off `topic`, forgetting the topic once it is empty. */
  unsubscribe(id: string, topic: string): void {
    const subs = this.topics.get(topic);
    if (subs === undefined) return;
    subs.get(id)?.topics.delete(topic);
    subs.delete(id);
    if (subs.size === 0) this.topics.delete(topic);
  }

  /** Takes the subscriber off every topic and closes it: its connection ended. */
  removeSubscriber(id: string): void {
    for (const topic of [...this.topics.keys()]) this.unsubscribe(id, topic);
    this.subscribers.get(id)?.close();
    this.subscribers.delete(id);
  }

  /** Broker.publish: firehose, jobs|workflows by type, and the event's own topic. */
  publish(event: StreamEvent): number {
    const topics = ["firehose"];
    if (event.type.startsWith("job.")) topics.push("jobs");
    else if (event.type.startsWith("workflow.")) topics.push("workflows");
    if (event.topic !== "") topics.push(event.topic);
    const seen = new Map<string, Subscriber>();
    for (const topic of topics) {
      for (const [id, sub] of this.topics.get(topic) ?? []) seen.set(id, sub);
    }
    let delivered = 0;
    for (const sub of seen.values()) if (sub.send(event)) delivered++;
    // Go counts deliveries here, not publishes.
    this.totalPublished += delivered;
    return delivered;
  }

  /**
   * Go quirks kept: `total_published` counts deliveries, `total_dropped` is
   * never incremented, `subscriber_count` includes subscribers on no topic.
   */
  stats(): BrokerStats {
    return {
      topic_count: this.topics.size,
      subscriber_count: this.subscribers.size,
      total_published: this.totalPublished,
      total_dropped: 0,
    };
  }

  private addTopic(topic: string, sub: Subscriber): void {
    let subs = this.topics.get(topic);
    if (subs === undefined) {
      subs = new Map();
      this.topics.set(topic, subs);
    }
    subs.set(sub.id, sub);
    sub.topics.add(topic);
  }
}

/**
 * stream.ValidateTopic: the error text, or `undefined` when valid.
 *
 * @example
 * ```ts
 * validateTopic("job:job_1"); // undefined
 * validateTopic("cron:x"); // 'stream: unknown topic entity type "cron"'
 * ```
 */
export function validateTopic(topic: string): string | undefined {
  if (topic === "jobs" || topic === "workflows" || topic === "firehose") return undefined;
  const idx = topic.indexOf(":");
  const type = idx < 0 ? "" : topic.slice(0, idx);
  const id = idx < 0 ? "" : topic.slice(idx + 1);
  if (type === "" || id === "") return `stream: invalid topic ${goQuote(topic)}`;
  if (type === "job" || type === "workflow" || type === "queue") return undefined;
  return `stream: unknown topic entity type ${goQuote(type)}`;
}
