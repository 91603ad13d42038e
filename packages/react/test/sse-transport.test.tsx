/**
 * The hooks, unchanged, on a client whose subscriptions ride SSE and whose
 * requests go over HTTP RPC, against the dev server on 127.0.0.1 (port 0).
 */
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import { QueryClient } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { DispatchProvider, useEnqueue, useJob } from "../src/index.js";

const TOKEN = "dk_test_react_sse";
let server: DevServer;
let release: (() => void) | undefined;
const queryClient = new QueryClient();

beforeAll(async () => {
  server = await createDevServer({
    port: 0,
    tokens: { [TOKEN]: { scopes: ["*"] } },
    jobs: {
      gated: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    },
  });
  // The page is served from the DWP server's origin: cross-origin, a browser
  // would preflight the JSON POST to /dwp/rpc, which DWP servers answer 405.
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.httpUrl}/`);
});
afterEach(cleanup);
afterAll(() => server.close());

function Providers({ children }: { children: ReactNode }) {
  return (
    <DispatchProvider
      url={server.url}
      token={TOKEN}
      queryClient={queryClient}
      // No WebSocket constructor is given: SSE mode never needs one.
      options={{ transport: "sse", minReconnectDelay: 20, maxReconnectDelay: 100 }}
    >
      {children}
    </DispatchProvider>
  );
}

function JobView({ id, history }: { id: string; history: string[] }) {
  const { data, isLive } = useJob(id);
  const text = data ? `${data.state}${isLive ? " live" : ""}` : "loading";
  if (history.at(-1) !== text) history.push(text);
  return <p>{text}</p>;
}

function App({ history }: { history: string[] }) {
  const enqueue = useEnqueue();
  const id = enqueue.data?.job_id;
  return (
    <>
      <button type="button" onClick={() => enqueue.mutate({ name: "gated", payload: {} })}>
        run
      </button>
      {id !== undefined && <JobView id={id} history={history} />}
    </>
  );
}

it('renders useJob to completed with transport: "sse"', async () => {
  const history: string[] = [];
  render(<App history={history} />, { wrapper: Providers });
  fireEvent.click(screen.getByText("run"));
  // Released as soon as the job shows, before its stream is live: the client
  // reports a "subscribe" gap when the stream opens, so the hook re-reads and
  // nothing published in between is missed.
  await screen.findByText(/^(pending|running)/);
  release?.();
  await screen.findByText("completed");
  expect(history.at(-1)).toBe("completed");
  // Unmounting closes the client, which aborts reads still in flight.
  await waitFor(() => expect(queryClient.isFetching()).toBe(0));
});
