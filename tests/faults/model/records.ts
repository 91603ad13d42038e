/** What the model remembers of each client and subscription, to check against. */
import type { Channel, Dispatch, GapEvent, StreamEvent, Subscription } from "@dispatch/client";
import type { Mode } from "./commands.js";

export interface SubRec {
  id: number;
  channel: Channel;
  mode: Mode;
  sub: Subscription;
  client: ClientRec;
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
}

export interface ClientRec {
  n: number;
  client: Dispatch;
  closed: boolean;
  subs: SubRec[];
  /** Subscriptions that existed at a drop and have not yet been named by a reconnect gap. */
  awaitingGap: Set<SubRec>;
  gaps: GapEvent[];
  /** A drop of its open session that it has not noticed yet. */
  dropInFlight: boolean;
}

/** A request whose signal an `abort` command may still abort. */
export interface Abortable {
  controller: AbortController;
  label: string;
  promise: Promise<unknown>;
  settled: boolean;
}
