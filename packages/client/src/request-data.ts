import { ValidationError } from "./errors.js";
import { toJson } from "./payload.js";

/**
 * Request `data` for the typed methods, built and validated in one place so
 * the WebSocket client (`Dispatch`) and the HTTP RPC client
 * (`createRpcClient`) refuse the same input with the same errors and send
 * byte-identical frames.
 */

/** The method name and its `data` as JSON text (`undefined`: no data). */
export interface RequestData {
  method: string;
  dataJson: string | undefined;
}

/** Options of `enqueue` that shape its data. */
export interface EnqueueFields {
  queue?: string | undefined;
  priority?: number | undefined;
}

/** Throws a `ValidationError` unless `name` is a non-empty string. */
export function assertName(name: unknown, what: string): asserts name is string {
  if (typeof name !== "string" || name === "")
    throw new ValidationError(`${what} must be a non-empty string`);
}

/** Builds request data JSON from parts that are already JSON text; `undefined` parts are left out. */
export function jsonObject(parts: Record<string, string | undefined>): string {
  let out = "";
  for (const key in parts) {
    const json = parts[key];
    if (json !== undefined) out += `${out ? "," : ""}"${key}":${json}`;
  }
  return `{${out}}`;
}

/** `job.enqueue`: `payload` travels as the raw JSON value, never as a JSON string of it. */
export function enqueueData(name: string, payload: unknown, fields: EnqueueFields = {}): RequestData {
  const { queue, priority } = fields;
  assertName(name, "job name");
  if (queue !== undefined) assertName(queue, "queue");
  // The server applies only a priority above 0; a fraction or a number past
  // 2^53 would not reach it as the int it expects.
  if (priority !== undefined && !(Number.isSafeInteger(priority) && priority >= 0))
    throw new ValidationError("priority must be a non-negative integer (the server ignores negative ones)");
  const dataJson = jsonObject({
    name: JSON.stringify(name),
    payload: toJson(payload ?? null, "payload"),
    queue: queue === undefined ? undefined : JSON.stringify(queue),
    priority: priority === undefined ? undefined : String(priority),
  });
  return { method: "job.enqueue", dataJson };
}

/** `workflow.start`: `input` is raw JSON too. */
export function startWorkflowData(name: string, input: unknown): RequestData {
  assertName(name, "workflow name");
  const dataJson = jsonObject({ name: JSON.stringify(name), input: toJson(input ?? null, "input") });
  return { method: "workflow.start", dataJson };
}

/** `workflow.event`; a missing payload is left out rather than sent as `null`. */
export function publishEventData(name: string, payload: unknown): RequestData {
  assertName(name, "event name");
  const dataJson = jsonObject({
    name: JSON.stringify(name),
    payload: payload === undefined ? undefined : toJson(payload, "payload"),
  });
  return { method: "workflow.event", dataJson };
}

/** Methods keyed by one id: `job.get`, `job.cancel`, `workflow.get`, `workflow.timeline`. */
export function idData(method: string, key: "job_id" | "run_id", id: string): RequestData {
  assertName(id, key);
  return { method, dataJson: jsonObject({ [key]: JSON.stringify(id) }) };
}

/** The escape hatch `request(method, data)`: every JSON value is accepted, after validation. */
export function anyData(method: string, data: unknown): RequestData {
  assertName(method, "method");
  return { method, dataJson: data === undefined ? undefined : toJson(data, `${method} data`) };
}
