/**
 * Frames carrying `__proto__`, `constructor` and `prototype` keys, in the
 * envelope, in `data`, in nested event data and in a job payload, over JSON
 * and msgpack, through the client and the React merges. None may change a
 * prototype.
 */
import { Dispatch, type JobEvent, type StreamEvent, type WorkflowEvent } from "@dispatch/client";
import { applyJobEvent, applyWorkflowEvent } from "@dispatch/react";
import { encode } from "@msgpack/msgpack";
import { afterEach, describe, expect, it } from "vitest";
import { processFailures, Signal, WebSocket } from "./helpers.js";
import { encodeFrame, startScriptedServer, type WireMessage } from "./scripted-server.js";

const poison =
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}';

/** Parsed, so `__proto__` is an own key, as it is after JSON.parse on the wire. */
const hostile = (): Record<string, unknown> => JSON.parse(poison);

const objectPrototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

function assertUnpolluted(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectPrototypeKeys);
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  expect((Array.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

afterEach(() => {
  // A test that polluted must not hide it from the next one.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

/** Every frame shape that carries the keys, for one format. */
function frames(format: "json" | "msgpack"): WireMessage[] {
  const event = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: "event",
    data: { type: "job.completed", ts: "2026-01-02T03:04:05Z", topic: "job:j1", data, ...extra },
  });
  const messages: WireMessage[] = [
    encodeFrame({ ...hostile(), ...event({ job_id: "j1", ...hostile() }) }, format),
    encodeFrame(event({ job_id: "j1", nested: hostile(), list: [hostile()] }, hostile()), format),
    encodeFrame(
      { type: "event", data: { ...hostile(), type: "job.started", topic: "job:j1", data: hostile() } },
      format,
    ),
    encodeFrame(event({ job_id: "j1", queue: "__proto__" }), format),
    encodeFrame(
      {
        type: "event",
        data: { type: "job.started", topic: "job:__proto__", data: { queue: "constructor" } },
      },
      format,
    ),
  ];
  // The envelope itself with the keys, written by hand (an object literal would set a prototype instead).
  const ts = "2026-01-02T03:04:05Z";
  if (format === "json")
    messages.push({
      text: `{"id":"s","type":"event","__proto__":{"polluted":true},"data":${poison},"ts":"${ts}"}`,
    });
  else messages.push({ binary: encode({ id: "s", type: "event", ...hostile(), ts: new Date(ts) }) });
  return messages;
}

describe.each(["json", "msgpack"] as const)("prototype pollution over %s", (format) => {
  it("leaves prototypes alone in events, responses and job payloads", async () => {
    const failures = processFailures();
    const server = await startScriptedServer();
    server.job = {
      id: "j1",
      name: "x",
      queue: "default",
      state: "completed",
      payload: Buffer.from(poison).toString("base64"),
      ...hostile(),
    };
    server.afterAuth = (peer) => {
      for (const message of frames(format)) peer.send(message);
      peer.send(
        encodeFrame({ type: "event", data: { type: "job.completed", topic: "job:end", data: {} } }, format),
      );
    };
    const client = new Dispatch({ url: server.url, token: "dk_test_proto", WebSocket, format });
    const signal = new Signal();
    const seen: StreamEvent[] = [];
    for (const channel of ["firehose", "jobs", "job:j1", "queue:__proto__", "queue:constructor"] as const) {
      client.subscribe(channel, (event) => {
        seen.push(event);
        signal.poke();
      });
    }
    try {
      await signal.until(() => seen.some((e) => e.topic === "job:end"), 5000, "the last event");
      const job = await client.getJob("j1");
      // The hostile events did arrive (those whose envelope msgpack itself refuses excepted).
      expect(seen.filter((e) => e.topic === "job:j1").length).toBeGreaterThanOrEqual(3);
      assertUnpolluted();
      for (const value of [...seen, job, job.payload]) {
        expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      }
      // The React merges copy event fields into cached state.
      let merged = applyJobEvent(job, seen.find((e) => e.topic === "job:j1") as JobEvent);
      for (const e of seen)
        if (e.type.startsWith("job.")) merged = applyJobEvent(merged, e as JobEvent) ?? merged;
      applyWorkflowEvent(undefined, {
        ...(seen[0] as object),
        type: "workflow.started",
      } as unknown as WorkflowEvent);
      assertUnpolluted();
      expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
      expect(failures.errors).toEqual([]);
    } finally {
      client.close();
    }
  });
});
