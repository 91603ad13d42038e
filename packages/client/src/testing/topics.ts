import type { StreamEvent } from "../protocol/types.js";

const FIXED_TOPICS = new Set(["jobs", "workflows", "firehose"]);

/** Go's `%q`, close enough: JSON string quoting. */
const quote = (text: string) => JSON.stringify(text);

/**
 * The request check of `subscribe`/`unsubscribe` (data decoded into
 * `{channel string}`), then, for subscribe, `stream.ValidateTopic`, with the
 * Go server's messages. `data` is the frame's decoded `data`.
 */
export function channelError(method: "subscribe" | "unsubscribe", data: unknown): string | undefined {
  if (data === undefined) return "invalid request: unexpected end of JSON input";
  if (data !== null && (typeof data !== "object" || Array.isArray(data)))
    return `invalid request: json: cannot unmarshal ${Array.isArray(data) ? "array" : typeof data} into Go value of type dwp.${method === "subscribe" ? "Subscribe" : "Unsubscribe"}Request`;
  const channel = (data as { channel?: unknown } | null)?.channel ?? "";
  if (typeof channel !== "string")
    return `invalid request: json: cannot unmarshal ${typeof channel} into Go struct field ${method === "subscribe" ? "Subscribe" : "Unsubscribe"}Request.channel of type string`;
  return method === "subscribe" ? topicError(channel) : undefined;
}

/** `stream.ValidateTopic` of the Go server, with its messages. */
export function topicError(channel: string): string | undefined {
  if (FIXED_TOPICS.has(channel)) return undefined;
  const colon = channel.indexOf(":");
  const kind = colon > 0 ? channel.slice(0, colon) : "";
  if (kind === "" || colon === channel.length - 1) return `stream: invalid topic ${quote(channel)}`;
  if (kind !== "job" && kind !== "workflow" && kind !== "queue")
    return `stream: unknown topic entity type ${quote(kind)}`;
  return undefined;
}

/** The topics an event is published to, as the Go engine does. */
export function topicsOf(event: StreamEvent): string[] {
  const topics = ["firehose", event.topic];
  if (event.type.startsWith("job.")) topics.push("jobs");
  else if (event.type.startsWith("workflow.")) topics.push("workflows");
  return topics;
}
