/** What the model remembers of each client and subscription, to check against. */
import type { GapEvent } from "@dispatch/client";
import type { ClientRecBase, SubRecBase } from "../model-shared/records.js";

export interface SubRec extends SubRecBase {
  client: ClientRec;
}

export interface ClientRec extends ClientRecBase<SubRec> {
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
