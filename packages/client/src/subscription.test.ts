import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { ConnectionError } from "./errors.js";
import type { StreamEvent } from "./protocol/types.js";
import { Subscription, type SubscriptionHost } from "./subscription.js";

const event = (n: number): StreamEvent => ({
  type: "job.started",
  ts: "2026-01-02T03:04:05Z",
  topic: `job:job_${n}`,
  data: { job_id: `job_${n}`, job_name: "x", queue: "default" },
});

function host(): SubscriptionHost & { released: number; overflows: number } {
  const h = {
    released: 0,
    overflows: 0,
    logger: undefined,
    release: async () => {
      h.released++;
    },
    overflow: () => {
      h.overflows++;
    },
  };
  return h;
}

describe("Subscription", () => {
  it("types an ended iterator's value as undefined, not any", () => {
    const sub = new Subscription<StreamEvent>("jobs", host());
    expectTypeOf(sub[Symbol.asyncIterator]().next()).resolves.toEqualTypeOf<
      IteratorResult<StreamEvent, undefined>
    >();
    sub.end();
  });

  it("rejects ready with a ConnectionError when it ends before the server confirmed it", async () => {
    const sub = new Subscription("jobs", host());
    await sub.unsubscribe();
    await expect(sub.ready).rejects.toBeInstanceOf(ConnectionError);
    await expect(sub.ready).rejects.toMatchObject({ code: "closed", retryable: false });
  });

  it("reports a listener that throws, to the console when there is no logger, and keeps delivering", () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const bug = new TypeError("cannot read job_id of undefined");
      const seen: number[] = [];
      const sub = new Subscription("jobs", host(), {
        listener: (e) => {
          seen.push(Number(e.topic?.slice(8)));
          throw bug;
        },
      });
      sub.deliver(event(1));
      sub.deliver(event(2));
      expect(seen).toEqual([1, 2]);
      expect(printed).toHaveBeenCalledTimes(2);
      expect(printed).toHaveBeenCalledWith(expect.stringMatching(/listener for jobs threw/), bug);
    } finally {
      printed.mockRestore();
    }
  });

  it("keeps events delivered before anyone iterates, in order", async () => {
    const sub = new Subscription("jobs", host());
    for (let i = 0; i < 5; i++) sub.deliver(event(i));
    const seen: string[] = [];
    for await (const e of sub) {
      seen.push(e.topic);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual(["job:job_0", "job:job_1", "job:job_2", "job:job_3", "job:job_4"]);
  });

  it("refuses a second reader instead of splitting the events between two loops", async () => {
    const sub = new Subscription("jobs", host());
    const first = sub[Symbol.asyncIterator]();
    const second = sub[Symbol.asyncIterator]();
    sub.deliver(event(1));
    sub.deliver(event(2));
    await expect(second.next()).rejects.toThrow(/already has a reader here: subscribe\(\) again/);
    await expect(first.next()).resolves.toEqual({ done: false, value: event(1) });
    await expect(first.next()).resolves.toEqual({ done: false, value: event(2) });
  });

  it("hands an event straight to a waiting iterator", async () => {
    const sub = new Subscription("jobs", host());
    const it = sub[Symbol.asyncIterator]();
    const next = it.next();
    sub.deliver(event(1));
    expect(await next).toEqual({ done: false, value: event(1) });
  });

  it("drains 100,000 buffered events and compacts as it goes", async () => {
    const sub = new Subscription("jobs", host(), { maxBuffered: 200_000 });
    for (let i = 0; i < 100_000; i++) sub.deliver(event(i));
    let n = 0;
    const it = sub[Symbol.asyncIterator]();
    while (!(await it.next()).done && ++n < 100_000);
    expect(n).toBe(100_000);
    expect(sub.buffered).toBe(0);
  });

  it("drops the oldest past maxBuffered and reports one overflow per episode", async () => {
    const h = host();
    const sub = new Subscription("jobs", h, { maxBuffered: 3 });
    for (let i = 0; i < 6; i++) sub.deliver(event(i));
    expect(sub.dropped).toBe(3);
    expect(h.overflows).toBe(1);
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).value?.topic).toBe("job:job_3");
    sub.deliver(event(6));
    sub.deliver(event(7));
    expect(h.overflows).toBe(2);
  });

  it("with only a listener, buffers nothing; a throwing listener does not stop delivery", () => {
    const warn = vi.fn();
    const seen: number[] = [];
    const sub = new Subscription(
      "jobs",
      { ...host(), logger: { warn } },
      {
        listener: (e) => {
          seen.push(Number(e.topic.slice(8)));
          if (seen.length === 1) throw new Error("boom");
        },
      },
    );
    sub.deliver(event(1));
    sub.deliver(event(2));
    expect(seen).toEqual([1, 2]);
    expect(sub.buffered).toBe(0);
    expect(warn).toHaveBeenCalledOnce();
  });

  it("breaking out of for-await unsubscribes", async () => {
    const h = host();
    const sub = new Subscription("jobs", h);
    sub.deliver(event(1));
    for await (const _ of sub) break;
    expect(h.released).toBe(1);
    expect(sub.closed).toBe(true);
  });

  it("a refusal rejects ready and makes the iterator throw", async () => {
    const sub = new Subscription("jobs", host());
    const it = sub[Symbol.asyncIterator]();
    const pending = it.next();
    sub.confirm(new Error("403 insufficient permissions"));
    await expect(sub.ready).rejects.toThrow("403");
    await expect(pending).rejects.toThrow("403");
  });

  it("an iterator whose listener unsubscribed mid-delivery stays done, holding nothing", async () => {
    // Found by tests/faults/model.test.ts: the event being delivered was pushed
    // into the buffer after end() had answered the waiting next() with done, so
    // the next call yielded it: an iterator that was done, then not.
    const sub: Subscription = new Subscription("jobs", host(), { listener: () => void sub.unsubscribe() });
    const it = sub[Symbol.asyncIterator]();
    const pending = it.next();
    sub.deliver(event(1));
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(sub.buffered).toBe(0);
  });

  it("ending yields what is buffered, then finishes", async () => {
    const sub = new Subscription("jobs", host());
    sub.deliver(event(1));
    sub.end();
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    expect((await it.next()).done).toBe(true);
  });
});
