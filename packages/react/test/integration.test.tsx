/**
 * The hooks against a real in-memory Dispatch server on 127.0.0.1 (port 0):
 * jobs that really run, retry and finish, a workflow that waits for an event,
 * and a server restart in the middle of a job.
 */
import type { Dispatch, Job, WebSocketConstructor } from "@dispatch/client";
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { type ReactNode, useState } from "react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  DispatchProvider,
  dispatchKeys,
  useChannel,
  useDispatch,
  useEnqueue,
  useJob,
  usePublishEvent,
  useStartWorkflow,
  useWorkflowRun,
} from "../src/index.js";

const TOKEN = "dk_test_integration";

/** Lets a test decide when a job's attempt ends. */
const gates = new Map<string, () => void>();
const gate = (jobId: string): Promise<void> =>
  new Promise<void>((resolve) => {
    gates.set(jobId, resolve);
  });
const open = (jobId: string): void => {
  gates.get(jobId)?.();
  gates.delete(jobId);
};

let server: DevServer;
let queryClient: QueryClient;
let client: Dispatch | undefined;

beforeAll(async () => {
  server = await createDevServer({
    port: 0,
    tokens: { [TOKEN]: { scopes: ["*"] } },
    backoff: () => 150,
    jobs: {
      gated: (ctx) => gate(ctx.job.id),
      flaky: async (ctx) => {
        if (ctx.attempt === 1) throw new Error("transient failure");
        await gate(ctx.job.id);
      },
    },
    workflows: {
      order: async (wf) => {
        await wf.step("validate", () => ({ valid: true }));
        await wf.step("charge", () => ({ charged: 42 }));
        const payment = await wf.waitForEvent("payment-received", 30_000);
        if (payment === null) throw new Error("no payment");
        await wf.step("ship", () => "shipped");
      },
    },
  });
});
afterEach(() => {
  cleanup();
  queryClient?.clear();
  client = undefined;
});
afterAll(() => server.close());

/** Grabs the provider's client so a test can watch its connection. */
function ClientProbe() {
  client = useDispatch();
  return null;
}

function Providers({ children }: { children: ReactNode }) {
  return (
    <DispatchProvider
      url={server.url}
      token={async () => TOKEN}
      queryClient={queryClient}
      options={{
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        heartbeatInterval: 0,
        minReconnectDelay: 20,
        maxReconnectDelay: 100,
      }}
    >
      <ClientProbe />
      {children}
    </DispatchProvider>
  );
}

function JobView({ id, history }: { id: string; history: string[] }) {
  const { data, error } = useJob(id);
  const text = error ? `error: ${error.message}` : data ? `${data.state} #${data.retry_count}` : "loading";
  if (history.at(-1) !== text) history.push(text);
  return <p data-testid="job">{text}</p>;
}

function EnqueueApp({ name, history }: { name: string; history: string[] }) {
  const enqueue = useEnqueue();
  const id = enqueue.data?.job_id;
  return (
    <>
      <button type="button" onClick={() => enqueue.mutate({ name, payload: { n: 1 } })}>
        run
      </button>
      {id !== undefined && <JobView id={id} history={history} />}
    </>
  );
}

function RunView({ runId }: { runId: string }) {
  const { run, steps } = useWorkflowRun(runId);
  return (
    <div>
      <p>{`run ${run?.state ?? "loading"}`}</p>
      <ul>
        {steps.map((s) => (
          <li key={s.name}>{`${s.name}: ${s.status}`}</li>
        ))}
      </ul>
    </div>
  );
}
function WorkflowApp() {
  const start = useStartWorkflow();
  const publish = usePublishEvent();
  const { events } = useChannel("workflows");
  // `workflows` carries workflow events only, so `run_id` needs no narrowing (tsc checks it).
  const runId = events.find((e) => e.type === "workflow.started")?.data.run_id;
  const [paid, setPaid] = useState(false);
  return (
    <>
      <button type="button" onClick={() => start.mutate({ name: "order", input: { total: 42 } })}>
        start
      </button>
      <button
        type="button"
        onClick={() =>
          publish.mutate(
            { name: "payment-received", payload: { amount: 42 } },
            { onSuccess: () => setPaid(true) },
          )
        }
      >
        pay
      </button>
      {paid && <p>paid</p>}
      {start.data && <p>{`started ${start.data.state}`}</p>}
      {runId !== undefined && <RunView runId={runId} />}
    </>
  );
}
const jobId = (): string => {
  const ids = [...gates.keys()];
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

describe("against @dispatch/dev-server", () => {
  beforeAll(() => {
    queryClient = new QueryClient();
  });

  it("renders a job's life from pending to completed", async () => {
    queryClient = new QueryClient();
    const history: string[] = [];
    render(<EnqueueApp name="gated" history={history} />, { wrapper: Providers });
    fireEvent.click(screen.getByText("run"));
    await screen.findByText("running #0");
    open(jobId());
    await screen.findByText("completed #0");
    expect(history[0]).toBe("pending #0");
    expect(history.slice(-2)).toEqual(["running #0", "completed #0"]);
  });

  it("renders a retrying job until it succeeds", async () => {
    queryClient = new QueryClient();
    const history: string[] = [];
    render(<EnqueueApp name="flaky" history={history} />, { wrapper: Providers });
    fireEvent.click(screen.getByText("run"));
    await screen.findByText("running #1");
    open(jobId());
    await screen.findByText("completed #1");
    expect(history).toContain("retrying #1");
    expect(history.indexOf("retrying #1")).toBeLessThan(history.indexOf("running #1"));
  });

  it("ends showing completed when the job finishes while the server is down", async () => {
    queryClient = new QueryClient();
    const history: string[] = [];
    render(<EnqueueApp name="gated" history={history} />, { wrapper: Providers });
    fireEvent.click(screen.getByText("run"));
    await screen.findByText("running #0");
    const restarting = server.restart({ downMs: 300 });
    await waitFor(() => expect(client?.state).not.toBe("open"));
    // Completes with nobody connected: the server has no replay, the event is gone.
    open(jobId());
    await restarting;
    await screen.findByText("completed #0", undefined, { timeout: 5000 });
    expect(client?.state).toBe("open");
  });

  it("hydrates from server-fetched data, then goes live", async () => {
    const id = server.engine.enqueue({ name: "gated", payload: undefined }).id;
    await waitFor(() => expect(gates.has(id)).toBe(true));
    // What the server render fetched (over HTTP RPC) and dehydrated into the page.
    const fetched = server.engine.getJob(id) as unknown as Job;
    const serverCache = new QueryClient();
    serverCache.setQueryData(dispatchKeys.job(id), { ...fetched, payload: null });
    const state = dehydrate(serverCache);

    queryClient = new QueryClient();
    const history: string[] = [];
    render(
      <HydrationBoundary state={state}>
        <JobView id={id} history={history} />
      </HydrationBoundary>,
      { wrapper: Providers },
    );
    expect(history).toEqual(["running #0"]); // no loading state
    open(id);
    await screen.findByText("completed #0");
  });

  it("follows a workflow run through its steps and an awaited event", async () => {
    queryClient = new QueryClient();
    render(<WorkflowApp />, { wrapper: Providers });
    await waitFor(() => expect(client?.state).toBe("open"));
    fireEvent.click(screen.getByText("start"));
    await screen.findByText("charge: completed");
    screen.getByText("validate: completed");
    screen.getByText("run running");
    expect(screen.queryByText("ship: completed")).toBeNull();

    await act(async () => {
      fireEvent.click(screen.getByText("pay"));
    });
    await screen.findByText("paid");
    await screen.findByText("run completed");
    await screen.findByText("ship: completed");
    // The wait step has a checkpoint but no event: it comes with the re-read of the finished run.
    await screen.findByText("wait:payment-received: completed");
    await screen.findByText("started completed");
    const names = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(names).toEqual([
      "validate: completed",
      "charge: completed",
      "wait:payment-received: completed",
      "ship: completed",
    ]);
  });
});
