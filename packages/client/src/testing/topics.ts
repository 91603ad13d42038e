import type { StreamEvent } from "../protocol/types.js";

const FIXED_TOPICS = new Set(["jobs", "workflows", "firehose"]);

/** `stream.ValidateTopic` of the Go server, with its messages. */
export function topicError(channel: unknown): string | undefined {
  if (typeof channel !== "string") return "invalid request: channel must be a string";
  if (FIXED_TOPICS.has(channel)) return undefined;
  const colon = channel.indexOf(":");
  const kind = colon > 0 ? channel.slice(0, colon) : "";
  if (kind === "" || colon === channel.length - 1) return `stream: invalid topic "${channel}"`;
  if (kind !== "job" && kind !== "workflow" && kind !== "queue")
    return `stream: unknown topic entity type "${kind}"`;
  return undefined;
}

/** The topics an event is published to, as the Go engine does. */
export function topicsOf(event: StreamEvent): string[] {
  const topics = ["firehose", event.topic];
  if (event.type.startsWith("job.")) topics.push("jobs");
  else if (event.type.startsWith("workflow.")) topics.push("workflows");
  return topics;
}
