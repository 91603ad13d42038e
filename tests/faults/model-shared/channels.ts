/** The channels both models subscribe to, how fast-check draws them, and how a subscription is read. */
import type { Channel } from "@dispatch/client";
import fc from "fast-check";

export type ChannelSpec =
  | { kind: "jobs" }
  | { kind: "firehose" }
  | { kind: "workflows" }
  | { kind: "queue"; q: "a" | "b" }
  | { kind: "job"; i: number };

/** How a subscription is read: a listener, an iterator, or both (the iterator must yield what the listener saw). */
export type Mode = "listener" | "iterator" | "both";

export const channelSpec: fc.Arbitrary<ChannelSpec> = fc.oneof(
  fc.constant({ kind: "jobs" as const }),
  fc.constant({ kind: "firehose" as const }),
  fc.constant({ kind: "workflows" as const }),
  fc.record({ kind: fc.constant("queue" as const), q: fc.constantFrom("a" as const, "b" as const) }),
  fc.record({ kind: fc.constant("job" as const), i: fc.nat(7) }),
);

/** The channel `spec` names; `job` picks one of the jobs the run knows of. */
export function channelOf(knownJobs: ReadonlyArray<{ id: string }>, spec: ChannelSpec): Channel {
  switch (spec.kind) {
    case "jobs":
    case "firehose":
    case "workflows":
      return spec.kind;
    case "queue":
      return `queue:${spec.q}`;
    case "job": {
      const job = knownJobs[spec.i % Math.max(1, knownJobs.length)];
      return `job:${job?.id ?? "job_none"}`;
    }
  }
}
