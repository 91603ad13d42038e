import { describe, expect, it } from "vitest";
import { Broker, validateTopic } from "./broker.js";
import type { StreamEvent } from "./engine/types.js";

const evt = (type: StreamEvent["type"], topic: string): StreamEvent => ({
  type,
  ts: "2026-01-02T03:04:05Z",
  topic,
  data: {},
});

describe("broker", () => {
  it("delivers once per subscriber across matching topics and counts deliveries", () => {
    const b = new Broker();
    const got: string[] = [];
    b.subscribe(
      "a",
      (e, done) => {
        got.push(`a:${e.type}`);
        done();
      },
      "jobs",
      "job:1",
      "firehose",
    );
    b.subscribe(
      "b",
      (e, done) => {
        got.push(`b:${e.type}`);
        done();
      },
      "workflows",
    );
    b.subscribe("c", () => {});
    expect(b.publish(evt("job.started", "job:1"))).toBe(1);
    expect(b.publish(evt("workflow.started", "workflow:2"))).toBe(2);
    expect(b.publish(evt("cron.fired", ""))).toBe(1);
    expect(got).toEqual(["a:job.started", "a:workflow.started", "b:workflow.started", "a:cron.fired"]);
    expect(b.stats()).toEqual({ topic_count: 4, subscriber_count: 3, total_published: 4, total_dropped: 0 });
  });

  it("drops at zero credits and when 256 writes are in flight, refunding the credit", () => {
    const b = new Broker();
    const pending: Array<() => void> = [];
    const sub = b.subscribe("a", (_e, done) => pending.push(done), "jobs");
    for (let i = 0; i < 300; i++) b.publish(evt("job.started", "job:1"));
    expect(pending).toHaveLength(256);
    expect(sub.credits).toBe(1000 - 256);
    for (const done of pending.splice(0)) done();
    for (let i = 0; i < 800; i++) {
      b.publish(evt("job.started", "job:1"));
      pending.shift()?.();
    }
    expect(sub.credits).toBe(0);
    expect(b.publish(evt("job.started", "job:1"))).toBe(0);
    sub.addCredits(1);
    expect(b.publish(evt("job.started", "job:1"))).toBe(1);
  });

  it("validates topics with Go's messages", () => {
    expect(validateTopic("jobs")).toBeUndefined();
    expect(validateTopic("queue:x")).toBeUndefined();
    expect(validateTopic("x")).toBe('stream: invalid topic "x"');
    expect(validateTopic(":x")).toBe('stream: invalid topic ":x"');
    expect(validateTopic("foo:x")).toBe('stream: unknown topic entity type "foo"');
  });
});
