import { describe, expect, it, vi } from "vitest";
import { Dispatch } from "../src/client.js";
import {
  AbortError,
  AuthError,
  ConnectionError,
  DispatchError,
  TimeoutError,
  ValidationError,
} from "../src/errors.js";
import { createRpcClient } from "../src/rpc-client.js";
import { startServer } from "./setup.js";

const TOKEN = "dk_test_rpc";
const tokens = {
  [TOKEN]: { scopes: ["*"] },
  dk_test_readonly: { scopes: ["job:read"] },
};
const jobs = { "send-email": async () => {} };
const workflows = {
  greet: async (wf: { step<T>(name: string, fn: () => T): Promise<T> }) => {
    await wf.step("hello", () => "hi");
  },
};

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** The real fetch, recording each request. */
function recordingFetch(): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const wrapped: typeof fetch = (input, init) => {
    sent.push({
      url: String(input),
      headers: init?.headers as Record<string, string>,
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
    });
    return fetch(input, init);
  };
  return { fetch: wrapped, sent };
}

describe("createRpcClient against the dev server", () => {
  it("runs every typed method over POST /dwp/rpc with the exact headers DWP wants", async () => {
    const server = await startServer({ tokens, jobs, workflows: workflows as never });
    const { fetch, sent } = recordingFetch();
    const rpc = createRpcClient({ url: server.url, token: async () => TOKEN, fetch });

    const { job_id, state } = await rpc.enqueue("send-email", { to: "ada@example.com" }, { priority: 2 });
    expect(state).toBe("pending");
    const job = await rpc.getJob<{ to: string }>(job_id);
    expect(job.payload).toEqual({ to: "ada@example.com" });
    expect(job.priority).toBe(2);

    const run = await rpc.startWorkflow("greet", { name: "ada" });
    expect(run.state).toBe("completed");
    const read = await rpc.getWorkflow<{ name: string }>(run.run_id);
    expect(read.input).toEqual({ name: "ada" });
    const timeline = await rpc.workflowTimeline(run.run_id);
    expect(timeline.map((t) => t.step_name)).toEqual(["hello"]);
    expect(timeline[0]?.data).toBeInstanceOf(Uint8Array);

    expect((await rpc.publishEvent("paid", { amount: 1 })).name).toBe("paid");
    expect(await rpc.stats()).toMatchObject({
      broker: { topic_count: expect.any(Number), subscriber_count: expect.any(Number) },
    });
    expect(await rpc.request("job.get", { job_id })).toMatchObject({ id: job_id });

    expect(sent.every((s) => s.url === `${server.httpUrl}/dwp/rpc`)).toBe(true);
    for (const { headers } of sent) {
      expect(headers["Content-Type"]).toBe("application/json");
      expect(headers.Authorization).toBe(TOKEN);
    }
    // payload and input travel as raw JSON, never as a JSON string.
    expect(sent[0]?.body).toMatchObject({
      type: "request",
      method: "job.enqueue",
      data: { name: "send-email", payload: { to: "ada@example.com" }, priority: 2 },
    });
    expect(sent[0]?.body.token).toBeUndefined();
  });

  it("traces each request frame and its answer, never the token", async () => {
    const server = await startServer({ tokens });
    const lines: string[] = [];
    await createRpcClient({ url: server.url, token: TOKEN, trace: (line) => lines.push(line) }).stats();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^→ \{"id":"rpc-\d+","type":"request","method":"stats"/);
    expect(lines[1]).toMatch(/^← \{.*"type":"response".*"connections":/);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("answers as usual when the trace throws: the server has already run the call", async () => {
    const server = await startServer({ tokens, jobs });
    const trace = (line: string) => {
      if (line.startsWith("←")) throw new Error("trace sink down");
    };
    const traced = createRpcClient({ url: server.url, token: TOKEN, trace });
    const { job_id } = await traced.enqueue("send-email", { to: "ada@example.com" });
    expect((await traced.getJob(job_id)).id).toBe(job_id);
  });

  it("accepts the http(s) base as well as the ws(s) URL", async () => {
    const server = await startServer({ tokens });
    for (const url of [server.httpUrl, `${server.httpUrl}/dwp`, `${server.httpUrl}/dwp/rpc`, server.url]) {
      const stats = await createRpcClient({ url, token: TOKEN }).stats();
      expect(stats.connections).toBeTypeOf("number");
    }
  });

  it("maps 401, 403, 404 and a missing endpoint to typed errors", async () => {
    const server = await startServer({ tokens, jobs });
    const bad = createRpcClient({ url: server.url, token: "dk_test_unknown" });
    const err401 = await bad.stats().catch((e: unknown) => e);
    expect(err401).toBeInstanceOf(AuthError);
    expect(err401).toMatchObject({ code: 401, retryable: false });

    const readonly = createRpcClient({ url: server.url, token: "dk_test_readonly" });
    const err403 = await readonly.enqueue("send-email").catch((e: unknown) => e);
    expect(err403).toBeInstanceOf(DispatchError);
    expect(err403).not.toBeInstanceOf(AuthError);
    expect(err403).toMatchObject({ code: 403, message: "forbidden" });

    const rpc = createRpcClient({ url: server.url, token: TOKEN });
    const err404 = await rpc.getJob("job_01h455vb4pex5vsknk084sn02q").catch((e: unknown) => e);
    expect(err404).toMatchObject({ code: 404 });
    const err400 = await rpc.getJob("nope").catch((e: unknown) => e);
    expect(err400).toMatchObject({ code: 400 });

    const nowhere = createRpcClient({ url: `${server.httpUrl}/elsewhere`, token: TOKEN });
    const missing = await nowhere.stats().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DispatchError);
    expect(missing).toMatchObject({ code: 404, message: "HTTP RPC answered 404 Not Found" });
  });

  it("maps a network failure to ConnectionError", async () => {
    const server = await startServer({ tokens });
    const url = server.url;
    await server.close();
    const err = await createRpcClient({ url, token: TOKEN })
      .stats()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: "connection_lost", retryable: true });
  });
});

describe("createRpcClient without a server", () => {
  /** A fetch that never answers, but honours its signal as fetch does. */
  const hangingFetch: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
    });
  const url = "ws://127.0.0.1:9/dwp";

  it("times out with TimeoutError", async () => {
    const rpc = createRpcClient({ url, token: TOKEN, fetch: hangingFetch, timeout: 20 });
    await expect(rpc.stats()).rejects.toBeInstanceOf(TimeoutError);
  });

  it("times out even with a fetch that ignores its signal or a body that never ends", async () => {
    const deaf: typeof fetch = () => new Promise<Response>(() => {});
    const stalledBody: typeof fetch = async () => new Response(new ReadableStream({ start() {} }));
    for (const fetch of [deaf, stalledBody]) {
      const rpc = createRpcClient({ url, token: TOKEN, fetch, timeout: 20 });
      await expect(rpc.stats()).rejects.toBeInstanceOf(TimeoutError);
    }
  });

  it("ends an SSE-mode request on close() while a fetch that ignores its signal holds it", async () => {
    let asked = (): void => {};
    const fetchCalled = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const deafOnceAsked: typeof fetch = () => {
      asked();
      return new Promise<Response>(() => {});
    };
    const client = new Dispatch({ url, token: TOKEN, fetch: deafOnceAsked, transport: "sse" });
    const pending = client.stats();
    // Closed while the call is in fetch's hands, not before it got there.
    await fetchCalled;
    client.close();
    await expect(pending).rejects.toMatchObject({ code: "closed" });
  });

  it("bounds a token provider that never answers by the call's timeout and signal", async () => {
    const never = () => new Promise<string>(() => {});
    const rpc = createRpcClient({ url, token: never, fetch: hangingFetch, timeout: 20 });
    await expect(rpc.stats()).rejects.toThrow(new TimeoutError("token provider gave no token within 20 ms"));
    const controller = new AbortController();
    const pending = createRpcClient({ url, token: never, fetch: hangingFetch }).stats({
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it("counts the token provider's time against the call's timeout: one budget for both", async () => {
    vi.useFakeTimers();
    try {
      const slowToken = () => new Promise<string>((resolve) => setTimeout(() => resolve(TOKEN), 900));
      const rpc = createRpcClient({ url, token: slowToken, fetch: hangingFetch, timeout: 1000 });
      let outcome: unknown;
      rpc.stats().catch((error: unknown) => (outcome = error));
      await vi.advanceTimersByTimeAsync(999);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(2);
      expect(outcome).toBeInstanceOf(TimeoutError);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports a 200 that is no DWP frame (a captive portal's page) as a protocol error", async () => {
    const portal: typeof fetch = async () =>
      new Response("<html>Sign in to the network</html>", { headers: { "Content-Type": "text/html" } });
    const err = await createRpcClient({ url, token: TOKEN, fetch: portal })
      .stats()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DispatchError);
    expect(err).toMatchObject({ code: "protocol", retryable: false });
  });

  it("reports a token provider that throws as a retryable AuthError carrying the cause", async () => {
    const down = new Error("token endpoint down");
    const rpc = createRpcClient({
      url,
      token: () => {
        throw down;
      },
      fetch: hangingFetch,
    });
    const err = await rpc.stats().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({
      retryable: true,
      message: "token provider failed: token endpoint down",
      cause: down,
    });
  });

  it("rejects with AbortError when the signal fires, before or during the call", async () => {
    const rpc = createRpcClient({ url, token: TOKEN, fetch: hangingFetch });
    const controller = new AbortController();
    const pending = rpc.getJob("job_x", { signal: controller.signal });
    controller.abort(new Error("user left"));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error("user left"));
    await expect(rpc.stats({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });

  it("refuses bad input before sending anything, with the socket client's checks", async () => {
    let calls = 0;
    const counting: typeof fetch = () => {
      calls++;
      return Promise.reject(new Error("unreachable"));
    };
    const rpc = createRpcClient({ url, token: TOKEN, fetch: counting });
    await expect(rpc.enqueue("")).rejects.toThrow(new ValidationError("job name must be a non-empty string"));
    await expect(rpc.enqueue("x", undefined, { priority: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(rpc.getJob("")).rejects.toBeInstanceOf(ValidationError);
    await expect(rpc.enqueue("x", { n: 1n })).rejects.toBeInstanceOf(ValidationError);
    await expect(rpc.request("")).rejects.toBeInstanceOf(ValidationError);
    await expect(rpc.getJob("job_1", { timeout: Number.NaN })).rejects.toThrow(/timeout must be a positive/);
    expect(calls).toBe(0);
    const empty = createRpcClient({ url, token: async () => "", fetch: counting });
    await expect(empty.stats()).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(0);
    // fetch would throw a TypeError for these, which looks like a network failure.
    for (const token of ["dk_test_€", "dk_test_a\nX-Injected: 1"]) {
      const unsendable = await createRpcClient({ url, token, fetch: counting })
        .stats()
        .catch((e: unknown) => e);
      expect(unsendable).toBeInstanceOf(ValidationError);
      expect(unsendable).toMatchObject({ retryable: false, message: expect.stringMatching(/HTTP header/) });
    }
    expect(calls).toBe(0);
  });

  it("refuses plaintext to a remote host and bad options", () => {
    expect(() => createRpcClient({ url: "http://example.com/dwp", token: TOKEN })).toThrow(
      /refusing plain http:/,
    );
    expect(() =>
      createRpcClient({ url: "http://example.com/dwp", token: TOKEN, allowInsecure: true }),
    ).not.toThrow();
    expect(() => createRpcClient({ url: "ftp://x/dwp", token: TOKEN })).toThrow(ValidationError);
    expect(() => createRpcClient({ url, token: "" })).toThrow(ValidationError);
    // The same rule as a per-call timeout: "10" would compare as a number and NaN never fire.
    for (const timeout of [Number.NaN, 0, "10" as unknown as number]) {
      expect(() => createRpcClient({ url, token: TOKEN, timeout })).toThrow(
        /timeout must be a positive number of ms/,
      );
    }
  });
});
