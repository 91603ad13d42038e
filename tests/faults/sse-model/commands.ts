/**
 * The SSE model's commands and how fast-check draws them: subscribe
 * (listener, iterator or both; sometimes unsubscribing one of the client's
 * subscriptions from inside its first delivery) to `jobs`, `job:<id>`,
 * `queue:<name>`, `workflows` and `firehose`, unsubscribe, enqueue, start a
 * workflow, plain requests, bursts of published events (large ones force a
 * stream rollover), server drops and restarts, `close()` and fresh clients
 * (at most two at once), and the page's `pagehide`/`pageshow` (persisted) and
 * `online`.
 *
 * `silence()` is left out on purpose: SSE has no keepalive, so the client
 * finds a frozen stream only after SSE_IDLE_MS (2 minutes), by design.
 */
import fc from "fast-check";
import { type ChannelSpec, channelSpec, type Mode } from "../model-shared/channels.js";

export type { ChannelSpec, Mode };

/** Where a burst's events go: a job topic (in a queue), or a workflow run. */
export type BurstTarget = { kind: "job"; i: number; q: "a" | "b" | "default" } | { kind: "workflow" };

/**
 * On its `at`-th event (the first, or one deep in a burst, maybe while a
 * rollover hands its held events over), a listener unsubscribes one of its
 * client's subscriptions (maybe itself), or closes the client.
 */
export type Kill = { at: number; what: number | "close" } | undefined;

export type Cmd =
  | { t: "sub"; ch: ChannelSpec; mode: Mode; kill: Kill; on: number }
  | { t: "unsub"; i: number; on: number }
  | { t: "enqueue"; gated: boolean; q: "a" | "b" | "default" }
  | { t: "workflow" }
  /** stats, getJob, enqueue, waitForJob or connect; `short` with a 3 ms timeout. */
  | { t: "req"; what: number; short: boolean }
  | {
      t: "burst";
      target: BurstTarget;
      n: number;
      settled: boolean;
      /** Another command, carried out before batch `at` of the burst (a drop or a cached page mid-rollover). */
      mid: { at: number; cmd: Cmd } | undefined;
    }
  | { t: "drop"; wait: boolean }
  /** Down for `ticks` turns of the event loop, or until the clients' requests failed `fails` times. */
  | { t: "restart"; ticks: number; fails: number }
  | { t: "fresh"; keep: boolean }
  | { t: "page"; ev: "hide" | "show" | "online" }
  | { t: "yield"; n: number }
  | { t: "settle" };

const burstTarget: fc.Arbitrary<BurstTarget> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("job" as const),
      i: fc.nat(7),
      q: fc.constantFrom("a" as const, "b" as const, "default" as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "workflow" as const }) },
);

const restart = fc.record({
  t: fc.constant("restart" as const),
  ticks: fc.integer({ min: 0, max: 8 }),
  fails: fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) },
  ),
});

/** What may happen in the middle of a burst. */
const midCmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ t: fc.constant("drop" as const), wait: fc.boolean() }),
  restart,
  fc.record({
    t: fc.constant("page" as const),
    ev: fc.constantFrom("hide" as const, "show" as const, "online" as const),
  }),
  fc.record({ t: fc.constant("unsub" as const), i: fc.nat(15), on: fc.nat(1) }),
  fc.record({
    t: fc.constant("sub" as const),
    ch: channelSpec,
    mode: fc.constantFrom<Mode>("listener", "iterator", "both"),
    kill: fc.constant(undefined),
    on: fc.nat(1),
  }),
  fc.record({ t: fc.constant("fresh" as const), keep: fc.constant(true) }),
  fc.record({ t: fc.constant("yield" as const), n: fc.integer({ min: 1, max: 8 }) }),
);

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("sub" as const),
      ch: channelSpec,
      mode: fc.constantFrom<Mode>("listener", "iterator", "both"),
      kill: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc.record({
            at: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 1_100 })),
            what: fc.oneof(
              { weight: 3, arbitrary: fc.nat(15) },
              { weight: 1, arbitrary: fc.constant("close" as const) },
            ),
          }),
        },
      ),
      on: fc.nat(1),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("unsub" as const), i: fc.nat(15), on: fc.nat(1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("enqueue" as const),
      gated: fc.boolean(),
      q: fc.constantFrom("a" as const, "b" as const, "default" as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: "workflow" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("req" as const), what: fc.nat(4), short: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("burst" as const),
      target: burstTarget,
      // Small ones, and ones past the 900 events that start a rollover.
      n: fc.oneof(
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }) },
        { weight: 2, arbitrary: fc.integer({ min: 850, max: 1_150 }) },
      ),
      // Mostly once every subscription is live, so that the events count.
      settled: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      mid: fc.option(fc.record({ at: fc.integer({ min: 1, max: 11 }), cmd: midCmd }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("drop" as const), wait: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: restart,
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("fresh" as const), keep: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("page" as const), ev: fc.constantFrom("hide", "show", "online") }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("yield" as const), n: fc.integer({ min: 1, max: 8 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ t: "settle" as const }) },
);

export const scenario = fc.record({ cmds: fc.array(cmd, { minLength: 1, maxLength: 25 }) });
