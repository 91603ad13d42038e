import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AbortError,
  AuthError,
  ConnectionError,
  DispatchError,
  TimeoutError,
  ValidationError,
} from "./errors.js";
import { RequestTable, type SendRequest } from "./requests.js";

describe("RequestTable", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const ids: string[] = [];
  const send: SendRequest = (id) => {
    ids.push(id);
  };
  const last = (): string => ids.at(-1) ?? "";

  it("gives every request a unique id and settles it by correl_id", async () => {
    const table = new RequestTable(1000);
    const a = table.start("job.get", "{}", {}, send);
    const b = table.start("job.get", "{}", {}, send);
    const [idA = "", idB = ""] = ids.slice(-2);
    expect(idA).not.toBe(idB);
    table.answer({ id: "s", type: "response", correl_id: idB, data: 2, ts: "" });
    table.answer({
      id: "s",
      type: "error",
      correl_id: idA,
      error: { code: 404, message: "job not found" },
      ts: "",
    });
    await expect(b).resolves.toBe(2);
    await expect(a).rejects.toMatchObject({ code: 404, retryable: false, message: "job not found" });
    expect(table.answer({ id: "s", type: "response", correl_id: idA, ts: "" })).toBe(false);
  });

  it("maps 401 to AuthError and 5xx to retryable", async () => {
    const table = new RequestTable(1000);
    const a = table.start("x", undefined, {}, send);
    table.answer({
      id: "s",
      type: "error",
      correl_id: last(),
      error: { code: 401, message: "no" },
      ts: "",
    });
    await expect(a).rejects.toBeInstanceOf(AuthError);
    const b = table.start("x", undefined, {}, send);
    table.answer({
      id: "s",
      type: "error",
      correl_id: last(),
      error: { code: 500, message: "boom" },
      ts: "",
    });
    await expect(b).rejects.toMatchObject({ retryable: true });
  });

  it("times out with TimeoutError", async () => {
    const table = new RequestTable(1000);
    const p = table.start("job.get", undefined, { timeout: 50 }, send);
    vi.advanceTimersByTime(50);
    await expect(p).rejects.toBeInstanceOf(TimeoutError);
  });

  it("says why no session opened when an unsent request times out, and only then", async () => {
    const refused = new ConnectionError("socket closed (1006 connect ECONNREFUSED 127.0.0.1:1)");
    const table = new RequestTable(1000, () => refused);
    const unsent = table.start("stats", undefined, { timeout: 50 }, undefined);
    const sent = table.start("job.get", undefined, { timeout: 50 }, send);
    vi.advanceTimersByTime(50);
    await expect(unsent).rejects.toMatchObject({
      message:
        "stats timed out after 50 ms (no session: socket closed (1006 connect ECONNREFUSED 127.0.0.1:1))",
      cause: refused,
    });
    // A sent request's session was open: the connection's error is not its reason.
    await expect(sent).rejects.toMatchObject({ message: "job.get timed out after 50 ms" });
    await expect(sent).rejects.not.toHaveProperty("cause");
  });

  it("times each request out at its own deadline, whatever order they were made in", async () => {
    const table = new RequestTable(1000);
    const settled: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.catch((err: unknown) => settled.push(`${name}:${(err as Error).name}`));
    const slow = track("slow", table.start("a", undefined, { timeout: 300 }, send));
    const fast = track("fast", table.start("b", undefined, { timeout: 100 }, undefined));
    const middle = track("middle", table.start("c", undefined, {}, send));
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual(["fast:TimeoutError"]);
    await vi.advanceTimersByTimeAsync(199);
    expect(settled).toEqual(["fast:TimeoutError"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual(["fast:TimeoutError", "slow:TimeoutError"]);
    await vi.advanceTimersByTimeAsync(700);
    await Promise.all([slow, fast, middle]);
    expect(settled).toEqual(["fast:TimeoutError", "slow:TimeoutError", "middle:TimeoutError"]);
  });

  it("keeps one timer for any number of requests, and none once all are answered", async () => {
    const table = new RequestTable(1000);
    const before = ids.length;
    const answers = Array.from({ length: 100 }, () => table.start("job.get", "{}", {}, send));
    expect(vi.getTimerCount()).toBe(1);
    for (const id of ids.slice(before)) table.answer({ id: "s", type: "response", correl_id: id, ts: "" });
    await Promise.all(answers);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("waits out a timeout longer than setTimeout can hold without spinning", async () => {
    const table = new RequestTable(1000);
    const armed = vi.spyOn(globalThis, "setTimeout");
    const p = table.start("job.get", undefined, { timeout: 40 * 86_400_000 }, send);
    let outcome = "pending";
    p.catch((err: unknown) => {
      outcome = (err as Error).name;
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outcome).toBe("pending");
    expect(armed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(40 * 86_400_000);
    expect(outcome).toBe("TimeoutError");
    armed.mockRestore();
  });

  it("aborts with AbortError, before or after sending", async () => {
    const table = new RequestTable(1000);
    const controller = new AbortController();
    const p = table.start("job.get", undefined, { signal: controller.signal }, send);
    controller.abort(new Error("user left"));
    await expect(p).rejects.toBeInstanceOf(AbortError);
    await expect(table.start("x", undefined, { signal: AbortSignal.abort() }, send)).rejects.toBeInstanceOf(
      AbortError,
    );
    // A request answered before its signal aborts ignores the abort.
    const later = new AbortController();
    const answered = table.start("job.get", undefined, { signal: later.signal }, send);
    table.answer({ id: "s", type: "response", correl_id: last(), data: "ok", ts: "" });
    later.abort();
    await expect(answered).resolves.toBe("ok");
  });

  it("keeps unsent requests waiting, flushes them in order, and fails only sent ones on a drop", async () => {
    const table = new RequestTable(1000);
    const inFlight = table.start("job.enqueue", "{}", {}, send);
    const waiting = [table.start("a", undefined, {}, undefined), table.start("b", undefined, {}, undefined)];
    expect(table.inFlightBy(table.mark)).toBe(true);
    table.failSent("socket closed");
    await expect(inFlight).rejects.toBeInstanceOf(ConnectionError);
    const flushed: string[] = [];
    table.flush((_id, method) => flushed.push(method));
    expect(flushed).toEqual(["a", "b"]);
    table.failAll(() => new ConnectionError("closed", { closed: true }));
    for (const w of waiting) await expect(w).rejects.toMatchObject({ code: "closed" });
  });

  it("tells whether a request sent by a mark is still in flight", async () => {
    const table = new RequestTable(1000);
    const waiting = table.start("unsent", undefined, {}, undefined);
    const mark = table.mark;
    expect(table.inFlightBy(mark)).toBe(false);
    const later = table.start("job.get", undefined, {}, send);
    // Sent after the mark: it does not count.
    expect(table.inFlightBy(mark)).toBe(false);
    expect(table.inFlightBy(table.mark)).toBe(true);
    table.answer({ id: "s", type: "response", correl_id: last(), ts: "" });
    await later;
    expect(table.inFlightBy(table.mark)).toBe(false);
    table.failAll(() => new ConnectionError("closed", { closed: true }));
    await expect(waiting).rejects.toBeInstanceOf(ConnectionError);
  });

  it("rejects a request whose frame cannot be sent, leaving others alone", async () => {
    const table = new RequestTable(1000);
    const p = table.start("big", "x", {}, () => {
      throw new ValidationError("frame too large");
    });
    await expect(p).rejects.toBeInstanceOf(ValidationError);
    expect(table.inFlightBy(table.mark)).toBe(false);
    expect(new DispatchError("timeout", "t").retryable).toBe(true);
  });
});
