/** DWP.md's routing, as the model predicts it, and how it tells events apart. */

/** Whether DWP routing delivers `event` to a subscription on `channel`. */
export function matches(channel: string, event: { type: string; topic: string; data: unknown }): boolean {
  if (channel === "firehose") return true;
  if (channel === "jobs") return event.type.startsWith("job.");
  if (channel === "workflows") return event.type.startsWith("workflow.");
  if (channel.startsWith("queue:"))
    return event.type.startsWith("job.") && (event.data as { queue?: unknown })?.queue === channel.slice(6);
  return event.topic === channel;
}

/** The server has no `queue:` topics: the client carries queue subscriptions on `jobs` and filters them. */
export const wireOf = (channel: string) => (channel.startsWith("queue:") ? "jobs" : channel);
export const keyOf = (e: { type: string; topic: string; ts: string }) => `${e.type}|${e.topic}|${e.ts}`;
