/**
 * Decodes a request frame's `data` like the Go handlers do:
 * `json.Unmarshal(frame.Data, &req)` into the method's request struct, failing
 * with `invalid request: <Go error>`. Absent data is nil bytes, so it fails
 * with `unexpected end of JSON input`; JSON `null` decodes to an empty struct.
 */

import { isBytes } from "./bytes.js";
import { GoJsonSyntaxError, scanJson } from "./go-json-scan.js";
import { decodeGoStruct, GoDecodeError, type StructSchema } from "./go-struct.js";

const s = (name: string) => ({ name, kind: "string" as const, goType: "string" });
const raw = (name: string) => ({ name, kind: "raw" as const, goType: "json.RawMessage" });
const int = (name: string) => ({ name, kind: "int" as const, goType: "int" });
const schema = (goName: string, fields: StructSchema["fields"]): StructSchema => ({
  goName,
  goType: `dwp.${goName}`,
  fields,
});

export const REQUEST_SCHEMAS = {
  auth: schema("AuthRequest", [s("token"), s("format")]),
  "job.enqueue": schema("JobEnqueueRequest", [s("name"), raw("payload"), s("queue"), int("priority")]),
  "job.get": schema("JobGetRequest", [s("job_id")]),
  "job.cancel": schema("JobCancelRequest", [s("job_id")]),
  "workflow.start": schema("WorkflowStartRequest", [s("name"), raw("input")]),
  "workflow.get": schema("WorkflowGetRequest", [s("run_id")]),
  "workflow.event": schema("WorkflowEventRequest", [s("name"), raw("payload")]),
  "workflow.timeline": schema("WorkflowTimelineRequest", [s("run_id")]),
  subscribe: schema("SubscribeRequest", [s("channel"), int("credits")]),
  unsubscribe: schema("UnsubscribeRequest", [s("channel")]),
} satisfies Record<string, StructSchema>;

export type RequestMethod = keyof typeof REQUEST_SCHEMAS;

/** A decoded request: strings default to "", ints to 0, raw fields to undefined. */
export interface DecodedRequest {
  str(name: string): string;
  int(name: string): number;
  raw(name: string): Uint8Array | undefined;
}

export class RequestDecodeError extends Error {}

/** @throws RequestDecodeError with the Go error text (without the `invalid request: ` prefix). */
export function decodeRequest(data: Uint8Array | undefined, method: RequestMethod): DecodedRequest {
  const bytes = data ?? new Uint8Array(0);
  let out: Record<string, unknown>;
  try {
    out = decodeGoStruct(scanJson(bytes), bytes, REQUEST_SCHEMAS[method]);
  } catch (err) {
    if (err instanceof GoJsonSyntaxError || err instanceof GoDecodeError)
      throw new RequestDecodeError(err.message);
    throw err;
  }
  return {
    str: (name) => (typeof out[name] === "string" ? (out[name] as string) : ""),
    int: (name) => (typeof out[name] === "number" ? (out[name] as number) : 0),
    raw: (name) => {
      const value = out[name];
      return isBytes(value) ? value : undefined;
    },
  };
}
