// @vitest-environment node
/**
 * Server rendering: no socket, no throw, and hooks render data fetched over
 * HTTP RPC on the server and handed over with TanStack's dehydrate/HydrationBoundary.
 */
import { createRpcClient, DispatchError, type Job, type WebSocketConstructor } from "@dispatch/client";
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import { dehydrate, HydrationBoundary, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  DispatchProvider,
  dispatchKeys,
  useChannel,
  useConnectionState,
  useDispatch,
  useJob,
  useWorkflowRun,
} from "../src/index.js";

const TOKEN = "dk_test_ssr";
let server: DevServer;

beforeAll(async () => {
  server = await createDevServer({ port: 0, jobs: { noop: async () => {} } });
});
afterAll(() => server.close());

function Page({ id }: { id: string }) {
  const client = useDispatch(); // fine on the server as long as it is only used in handlers
  const job = useJob(id);
  const run = useWorkflowRun("wfrun_01h455vb4pex5vsknk084sn02q");
  const { state } = useConnectionState();
  const { events, isLive } = useChannel("jobs");
  return (
    <main>
      <button type="button" onClick={() => client.enqueue("noop")}>
        again
      </button>
      <p>{`job ${job.data?.state ?? "loading"} live=${String(job.isLive)}`}</p>
      <p>{`run ${run.run?.state ?? "loading"}`}</p>
      <p>{`connection ${state}`}</p>
      <p>{`channel ${events.length} live=${String(isLive)}`}</p>
    </main>
  );
}

function ReadsClientInRender() {
  const client = useDispatch();
  return <p>{client.state}</p>;
}

function renderPage(queryClient: QueryClient, children: ReactNode, WebSocket: unknown): string {
  return renderToString(
    <QueryClientProvider client={queryClient}>
      <DispatchProvider
        url={server.url}
        token={TOKEN}
        options={{
          WebSocket: WebSocket as WebSocketConstructor,
        }}
      >
        {children}
      </DispatchProvider>
    </QueryClientProvider>,
  );
}

/** What a server component or loader does, as the README shows: one HTTP RPC call, no socket. */
function getJobOverRpc(id: string): Promise<Job> {
  return createRpcClient({ url: server.httpUrl, token: TOKEN }).getJob(id);
}

/**
 * Renders on fake timers, then runs whatever the render scheduled: partysocket
 * dials after a zero-delay timer, so a socket checked right after the render
 * would never show up.
 */
async function renderAndRunTimers(...args: Parameters<typeof renderPage>): Promise<string> {
  vi.useFakeTimers();
  try {
    const html = renderPage(...args);
    await vi.runAllTimersAsync();
    return html;
  } finally {
    vi.useRealTimers();
  }
}

describe("server rendering", () => {
  it("opens no socket and does not throw", async () => {
    const WebSocket = vi.fn();
    const html = await renderAndRunTimers(
      new QueryClient(),
      <Page id="job_01h455vb4pex5vsknk084sn02q" />,
      WebSocket,
    );
    expect(html).toContain("job loading live=false");
    expect(html).toContain("run loading");
    expect(html).toContain("connection idle");
    expect(html).toContain("channel 0 live=false");
    expect(WebSocket).not.toHaveBeenCalled();
  });

  it("renders a job fetched over HTTP RPC and dehydrated for the browser", async () => {
    const job_id = server.engine.enqueue({
      name: "noop",
      payload: new TextEncoder().encode('{"to":"ada"}'),
    }).id;
    // On the server: fetch over RPC, seed a per-request cache, dehydrate it.
    const serverCache = new QueryClient();
    const job = await getJobOverRpc(job_id);
    expect(job.payload).toEqual({ to: "ada" });
    serverCache.setQueryData(dispatchKeys.job(job_id), job);
    const state = JSON.parse(JSON.stringify(dehydrate(serverCache)));

    // In the browser bundle (here: a second render with a fresh cache).
    const WebSocket = vi.fn();
    const html = await renderAndRunTimers(
      new QueryClient(),
      <HydrationBoundary state={state}>
        <Page id={job_id} />
      </HydrationBoundary>,
      WebSocket,
    );
    expect(html).toContain(`job ${job.state} live=false`);
    expect(WebSocket).not.toHaveBeenCalled();
  });

  it("says clearly when the client is used during server rendering", () => {
    expect(() => renderPage(new QueryClient(), <ReadsClientInRender />, vi.fn())).toThrow(
      /not available during server rendering/,
    );
    expect(() => renderPage(new QueryClient(), <ReadsClientInRender />, vi.fn())).toThrow(DispatchError);
  });
});
