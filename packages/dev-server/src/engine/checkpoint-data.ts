/**
 * The bytes a workflow's checkpoints hold, and what handlers see of them,
 * after Go's workflow.Workflow on the memory store.
 */
import { goMarshal } from "../codecs/go-json-encode.js";
import type { StoredEvent } from "./event-bus.js";
import { formatRFC3339Nano } from "./go-time.js";
import { toBase64 } from "./job-record.js";

export const EMPTY = new Uint8Array(0);
export const utf8 = new TextEncoder();

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function parseJson(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined || bytes.length === 0) return undefined;
  return JSON.parse(new TextDecoder().decode(bytes));
}

// What the handler sees of an event payload: its JSON value, or the raw text
// when it is not JSON (the Go handler would get the bytes).
export function eventPayload(bytes: Uint8Array | undefined): unknown {
  try {
    return parseJson(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

// WaitForEvent checkpoints json.Marshal(event.Event), after the ack.
export function eventCheckpoint(event: StoredEvent): Uint8Array {
  return utf8.encode(
    goMarshal({
      id: event.id,
      name: event.name,
      ...(event.payload !== undefined && event.payload.length > 0 && { payload: toBase64(event.payload) }),
      ...(event.scopeAppId !== "" && { scope_app_id: event.scopeAppId }),
      ...(event.scopeOrgId !== "" && { scope_org_id: event.scopeOrgId }),
      acked: event.acked,
      created_at: formatRFC3339Nano(event.createdAt),
    }),
  );
}
