// Compile-time checks, run by the type checker in `npm run typecheck`: a
// mock handler gets its method's request data and must answer what the server
// sends for that method, unless it says otherwise with rawAnswer. Every
// `@ts-expect-error` fails the type check once the mistake below it compiles.
// The test body only keeps the checks from being unused.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { EnqueueParams, Method, Methods } from "../src/protocol/methods.js";
import type {
  CancelResult,
  Stats,
  StreamEvent,
  SubscribeResult,
  WireJob,
  WireRun,
  WireTimelineEntry,
} from "../src/protocol/types.js";
import {
  createMockDispatch,
  jobEvent,
  type Method as KitMethod,
  type Methods as KitMethods,
  type StreamEvent as KitStreamEvent,
  type MockAnswer,
  MockError,
  type MockHandler,
  rawAnswer,
  wireJob,
  wireRun,
  wireStats,
} from "../src/testing/index.js";

const ts = "2026-01-02T03:04:05Z";

/** Never called: the mock it makes never listens. */
function typeChecks(either: "job.get" | "job.cancel") {
  const mock = createMockDispatch({ url: "ws://127.0.0.1:7813/dwp" });

  // The request data, by method.
  mock.handle("job.get", (data) => {
    expectTypeOf(data).toEqualTypeOf<{ job_id: string }>();
    return wireJob({ id: data.job_id });
  });
  mock.handle("job.enqueue", (data) => {
    expectTypeOf(data).toEqualTypeOf<EnqueueParams>();
    return { job_id: "job_1", queue: data.queue ?? "default", state: "pending" };
  });
  mock.handle("stats", (data) => {
    expectTypeOf(data).toEqualTypeOf<undefined>();
    return wireStats();
  });
  // @ts-expect-error job.get is asked for a job_id, not a run_id
  mock.handle("job.get", ({ run_id }) => wireJob({ id: run_id }));

  // The answer, by method: the server's wire shapes.
  expectTypeOf<MockAnswer<"job.get">>().toEqualTypeOf<WireJob>();
  expectTypeOf<MockAnswer<"workflow.get">>().toEqualTypeOf<WireRun>();
  expectTypeOf<MockAnswer<"workflow.timeline">>().toEqualTypeOf<WireTimelineEntry[]>();
  expectTypeOf<MockAnswer<"job.cancel">>().toEqualTypeOf<CancelResult>();
  expectTypeOf<MockAnswer<"stats">>().toEqualTypeOf<Stats>();
  expectTypeOf<MockAnswer<"subscribe">>().toEqualTypeOf<SubscribeResult | undefined>();

  // @ts-expect-error a run is not a job
  mock.handle("job.get", ({ job_id }) => wireRun({ id: job_id }));
  // @ts-expect-error the server sends the payload as base64, not as its JSON value
  mock.handle("job.get", ({ job_id }) => ({ ...wireJob({ id: job_id }), payload: { to: "ada" } }));
  // @ts-expect-error a held answer is checked too
  mock.handle("job.cancel", () => Promise.resolve({ status: "done" }));
  // @ts-expect-error only subscribe and unsubscribe fall back to the server's own answer
  mock.handle("job.get", () => undefined);
  // @ts-expect-error a stats answer has its broker counters
  mock.handle("stats", () => ({ connections: 1 }));
  // @ts-expect-error timeline data is base64 text, not bytes
  mock.handle("workflow.timeline", () => [{ step_name: "a", data: new Uint8Array(), created_at: ts }]);
  // @ts-expect-error a plain `{ data }` is not an unchecked answer: only rawAnswer makes one
  mock.handle("job.get", () => ({ data: { id: 42 } }));

  // What stays allowed: error frames, the subscribe default, held answers.
  mock.handle("job.get", ({ job_id }) => (job_id ? wireJob({ id: job_id }) : new MockError(404, "no job")));
  mock.handle("job.get", () => {
    throw new MockError(404, "job not found");
  });
  mock.handle("subscribe", () => undefined);
  mock.handle("unsubscribe", ({ channel }) => ({ channel, status: "unsubscribed" }));
  mock.handle("workflow.get", ({ run_id }) => Promise.resolve(wireRun({ id: run_id })));
  mock.handle("workflow.timeline", () => [{ step_name: "charge", data: "AQI=", created_at: ts }]);

  // The escape hatch, for answers no server sends.
  mock.handle("job.get", () => rawAnswer({ id: 42 }));
  mock.handle("stats", () => Promise.resolve(rawAnswer({})));

  // A handler typed on its own fits its method only.
  const getJob: MockHandler<"job.get"> = ({ job_id }) => wireJob({ id: job_id });
  mock.handle("job.get", getJob);
  // @ts-expect-error a job.get handler cannot answer job.cancel
  mock.handle("job.cancel", getJob);

  // A method chosen at run time: the handler may be asked either, so it must
  // answer each correctly, not one or the other.
  // @ts-expect-error asked job.cancel, this would answer with a job
  mock.handle(either, ({ job_id }) => wireJob({ id: job_id }));
  // @ts-expect-error asked job.get, this would answer with a cancel result
  mock.handle(either, () => ({ status: "cancelled" }));
  // @ts-expect-error a job.get handler typed on its own cannot answer job.cancel
  mock.handle(either, getJob);
  mock.handle(either, ({ job_id }) => new MockError(404, `no job ${job_id}`));
  mock.handle(either, () => rawAnswer({}));
  for (const method of ["subscribe", "unsubscribe"] as const) mock.handle(method, () => undefined);
  // A generic helper of the user's passes its handler through, and stays checked.
  function answer<M extends Method>(method: M, handler: MockHandler<M>) {
    mock.handle(method, handler);
  }
  answer("job.get", ({ job_id }) => wireJob({ id: job_id }));
  // @ts-expect-error through the helper too, a run is not a job
  answer("job.get", ({ job_id }) => wireRun({ id: job_id }));
  // @ts-expect-error and a union is checked method by method
  answer(either, ({ job_id }) => wireJob({ id: job_id }));

  // Events: the server's stream events, routed by their own topic.
  expectTypeOf(mock.emit).parameter(0).toEqualTypeOf<StreamEvent>();
  mock.emit(jobEvent("job.started", "job_1"));
  // @ts-expect-error not an event type the server publishes
  mock.emit({ ...jobEvent("job.started", "job_1"), type: "job.exploded" });
}

// The types the testing README names (the `Methods` map, `StreamEvent`) come
// from the kit's own entry point too, so a test needs no second import.
expectTypeOf<KitMethods>().toEqualTypeOf<Methods>();
expectTypeOf<KitMethod>().toEqualTypeOf<Method>();
expectTypeOf<KitStreamEvent>().toEqualTypeOf<StreamEvent>();

describe("testing kit types", () => {
  it("types handler data and answers by method (each method of a union), with rawAnswer as the way out", () => {
    expect(typeChecks).toBeTypeOf("function");
  });
});
