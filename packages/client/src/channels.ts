import { ValidationError } from "./errors.js";
import type { JobEvent, StreamEvent, WorkflowEvent } from "./protocol/types.js";

/** The fixed channels the server offers. */
export type FixedChannel = "jobs" | "workflows" | "firehose";

/**
 * A channel name: `jobs`, `workflows`, `firehose`, `job:<id>`,
 * `workflow:<run id>` or `queue:<name>`.
 */
export type Channel = FixedChannel | `job:${string}` | `workflow:${string}` | `queue:${string}`;

/**
 * The events a channel delivers: job events on `jobs`, `job:<id>` and
 * `queue:<name>`; workflow events on `workflows` and `workflow:<run id>`;
 * every event, cron included, on `firehose`.
 *
 * @example
 * ```ts
 * type E = EventOf<`job:${string}`>; // JobEvent
 * ```
 */
export type EventOf<C extends Channel> = C extends "jobs" | `job:${string}` | `queue:${string}`
  ? JobEvent
  : C extends "workflows" | `workflow:${string}`
    ? WorkflowEvent
    : StreamEvent;

const FIXED = new Set<string>(["jobs", "workflows", "firehose"]);
const ENTITY = new Set<string>(["job", "workflow", "queue"]);

/**
 * Throws a `ValidationError` unless the server would accept `channel`; after
 * it, TypeScript knows the string is a `Channel`, so a channel name from a
 * URL or a form can be subscribed to.
 *
 * @example
 * ```ts
 * const name = new URLSearchParams(location.search).get("channel") ?? "jobs";
 * assertChannel(name);
 * client.subscribe(name);
 * ```
 */
export function assertChannel(channel: unknown): asserts channel is Channel {
  if (typeof channel !== "string") {
    throw new ValidationError(`channel must be a string, got ${typeof channel}`);
  }
  if (FIXED.has(channel)) return;
  const colon = channel.indexOf(":");
  const kind = colon > 0 ? channel.slice(0, colon) : "";
  if (ENTITY.has(kind) && colon < channel.length - 1) return;
  throw new ValidationError(
    `invalid channel "${channel}": use jobs, workflows, firehose, job:<id>, workflow:<run id> or queue:<name>`,
  );
}

/**
 * The channel to subscribe to on the wire. The server never publishes to
 * `queue:` topics, so queue subscriptions ride on `jobs` and are filtered here.
 */
export function wireChannelOf(channel: Channel): Channel {
  return channel.startsWith("queue:") ? "jobs" : channel;
}
