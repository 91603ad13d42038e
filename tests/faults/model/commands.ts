/**
 * The model's commands and how fast-check draws them: subscribe (listener,
 * iterator, or both) to `jobs`, `job:<id>`, `queue:<name>`, `workflows` and
 * `firehose`, unsubscribe (also from inside a listener, mid-delivery),
 * enqueues (the server runs the handlers; "gated" jobs stay running until the
 * probe), `workflow.start`, server-side drops, restarts and silence
 * (half-open sockets, found by the heartbeat), `close()` and a fresh client
 * (sometimes two clients at once), and requests with short timeouts or
 * aborted signals.
 */
import fc from "fast-check";
import { type ChannelSpec, channelSpec, type Mode } from "../model-shared/channels.js";

export type { ChannelSpec, Mode };

export type RequestHow = "short" | "preAborted" | "abortLater" | "plain";

export type Cmd =
  | { t: "sub"; ch: ChannelSpec; mode: Mode; kill: number | undefined; on: number }
  | { t: "unsub"; i: number; on: number }
  | { t: "enqueue"; gated: boolean; q: "a" | "b" | "default" }
  | { t: "drop"; wait: boolean }
  | { t: "fresh"; msgpack: boolean; keep: boolean }
  | { t: "restart"; ticks: number }
  | { t: "silence" }
  | { t: "workflow"; ms: number | undefined }
  | { t: "req"; how: RequestHow; what: number; ms: number }
  | { t: "abort" }
  | { t: "yield"; n: number }
  | { t: "waitOpen" }
  | { t: "settle" };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("sub" as const),
      ch: channelSpec,
      mode: fc.constantFrom<Mode>("listener", "iterator", "both"),
      // On its first event, unsubscribe one of the client's subscriptions (maybe itself), mid-delivery.
      kill: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat(15) }),
      // Which of the open clients (the newest when there is one).
      on: fc.nat(1),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("unsub" as const), i: fc.nat(15), on: fc.nat(1) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("enqueue" as const),
      gated: fc.boolean(),
      q: fc.constantFrom("a" as const, "b" as const, "default" as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("drop" as const), wait: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("fresh" as const), msgpack: fc.boolean(), keep: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("restart" as const), ticks: fc.integer({ min: 0, max: 8 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ t: "silence" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("workflow" as const),
      ms: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("req" as const),
      how: fc.constantFrom("short" as const, "preAborted" as const, "abortLater" as const, "plain" as const),
      what: fc.nat(5),
      ms: fc.integer({ min: 1, max: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ t: "abort" as const }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant("yield" as const), n: fc.integer({ min: 1, max: 8 }) }),
  },
  { weight: 3, arbitrary: fc.constant({ t: "waitOpen" as const }) },
  { weight: 2, arbitrary: fc.constant({ t: "settle" as const }) },
);

export const scenario = fc.record({
  cmds: fc.array(cmd, { minLength: 1, maxLength: 40 }),
  probeQueue: fc.constantFrom("a", "b", "default"),
  msgpack: fc.boolean(),
});
