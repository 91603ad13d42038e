/** What the SSE model remembers of each client, subscription, stream and published event. */
import type { ClientRecBase, SubRecBase } from "../model-shared/records.js";

export interface SubRec extends SubRecBase {
  client: ClientRec;
  /** Publication index of the last event taken: each must be past it (order, and at most once). */
  lastIdx: number;
  /** Publication indices taken. */
  got: Set<number>;
  /** Publication indices of the matching events published while it was live. */
  expected: number[];
  wasLive: boolean;
}

/** One SSE response as the client's fetch saw it: open until read to the end, failed or aborted. */
export interface StreamRec {
  channel: string;
  open: boolean;
}

export interface GapRec {
  channels: string[];
  reason: string;
  /** How many events had been published when it was reported. */
  at: number;
}

export interface ClientRec extends ClientRecBase<SubRec> {
  /** Subscriptions that stopped being live and have not yet been named by a reconnect gap. */
  awaitingGap: Set<SubRec>;
  gaps: GapRec[];
  /** Its SSE responses, open or not. */
  streams: StreamRec[];
  /** SSE requests still waiting for their response headers. */
  pending: number;
  warnings: string[];
}

/** Open SSE streams of a client, by wire channel. */
export function openStreams(c: ClientRec): Map<string, number> {
  const by = new Map<string, number>();
  for (const s of c.streams) if (s.open) by.set(s.channel, (by.get(s.channel) ?? 0) + 1);
  return by;
}
