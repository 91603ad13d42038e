import type { Job, Run, TimelineEntry } from "./protocol/types.js";

const utf8 = new TextDecoder();

/** Decodes base64 (Go's encoding of `[]byte`) with `atob`, which every runtime has. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Decodes a base64 `[]byte` field that holds JSON. Bytes that are not JSON are
 * returned as a `Uint8Array` rather than throwing: the server stores whatever
 * it was given.
 */
export function decodeJsonBytes(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  if (value === "") return null;
  const bytes = base64ToBytes(value);
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return bytes;
  }
}

type WireJob = Omit<Job, "payload"> & { payload?: unknown };
type WireRun = Omit<Run, "input" | "output"> & { input?: unknown; output?: unknown };
type WireTimelineEntry = Omit<TimelineEntry, "data"> & { data?: unknown };

/** `job.get` result → `Job` with its payload decoded, in place: the parsed frame is ours alone. */
export function decodeJob<P>(wire: unknown): Job<P> {
  const job = wire as WireJob;
  job.payload = decodeJsonBytes(job.payload);
  return job as Job<P>;
}

/** `workflow.get` result → `Run` with input and output decoded. */
export function decodeRun<I, O>(wire: unknown): Run<I, O> {
  const { input, output, ...rest } = wire as WireRun;
  const run = rest as Run<I, O>;
  if (input !== undefined) run.input = decodeJsonBytes(input) as I;
  if (output !== undefined) run.output = decodeJsonBytes(output) as O;
  return run;
}

/** `workflow.timeline` result → entries with `data` as bytes. */
export function decodeTimeline(wire: unknown): TimelineEntry[] {
  if (!Array.isArray(wire)) return [];
  return (wire as WireTimelineEntry[]).map(({ data, ...rest }) => {
    const entry: TimelineEntry = rest;
    if (typeof data === "string" && data !== "") entry.data = base64ToBytes(data);
    return entry;
  });
}
