/** What both models remember of every client and subscription; each model adds its own fields. */
import type { Channel, Dispatch, StreamEvent, Subscription } from "@dispatch/client";
import type { Mode } from "./channels.js";

export interface SubRecBase {
  id: number;
  channel: Channel;
  mode: Mode;
  sub: Subscription;
  /** Every event handed over (by the listener when there is one), in order. */
  events: StreamEvent[];
  /** Mode "both": what the iterator yielded, to compare with `events`. */
  yielded: StreamEvent[];
  /** Set by unsubscribe() or the client's close(): nothing more may arrive. */
  ended: boolean;
  /** Whether `ready` resolved. */
  confirmed: boolean;
  /** Iterator: events still buffered when it ended (it may yield those). */
  bufferedAtEnd: number;
  deliveredAfterEnd: number;
  onEnd: unknown[];
  iterDone: boolean;
  iterError: unknown;
  client: ClientRecBase<SubRecBase>;
}

export interface ClientRecBase<S> {
  n: number;
  client: Dispatch;
  closed: boolean;
  subs: S[];
  /** Subscriptions that may have missed events and have not yet been named by a reconnect gap. */
  awaitingGap: Set<S>;
}
