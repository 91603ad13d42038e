// README of @dispatch/react (the example, query options, SSR) and the testing kit's component.
import { createRpcClient, Dispatch } from "@dispatch/client";
import { createMockDispatch, wireJob } from "@dispatch/client/testing";
import {
  DispatchProvider,
  dispatchKeys,
  jobQueryOptions,
  useChannel,
  useConnectionState,
  useDispatch,
  useEnqueue,
  useJob,
  useStartWorkflow,
  useWorkflowRun,
  workflowRunQueryOptions,
} from "@dispatch/react";
import {
  dehydrate,
  HydrationBoundary,
  QueryClient,
  QueryClientProvider,
  useQuery,
} from "@tanstack/react-query";

const queryClient = new QueryClient();

function SendEmail() {
  const enqueue = useEnqueue();
  const { data: job } = useJob(enqueue.data?.job_id);
  return (
    <>
      <button
        type="button"
        onClick={() => enqueue.mutate({ name: "send-email", payload: { to: "ada@example.com" } })}
      >
        Send
      </button>
      {job && <p>{job.state}</p>}
    </>
  );
}

export const App = () => (
  <QueryClientProvider client={queryClient}>
    <DispatchProvider
      url="wss://api.example.com/dwp"
      token={() => fetch("/api/dispatch-token").then((r) => r.text())}
    >
      <SendEmail />
    </DispatchProvider>
  </QueryClientProvider>
);

function JobStatus({ id }: { id: string }) {
  const { data: job, isLive } = useJob<{ to: string }>(id);
  if (!job) return <p>loading</p>;
  return <p>{`${job.payload.to}: ${job.state}${isLive ? " (live)" : ""}`}</p>;
}

export function Everything({ runId }: { runId: string }) {
  const client = useDispatch();
  const { state } = useConnectionState();
  const { run, steps } = useWorkflowRun(runId, { stopOnTerminal: false });
  const { events, clear } = useChannel("workflows", { limit: 50, onEvent: (e) => console.log(e.type) });
  const q = useQuery(jobQueryOptions(client, "job_1"));
  const start = useStartWorkflow();
  void queryClient.prefetchQuery(workflowRunQueryOptions(client, runId));
  void queryClient.invalidateQueries({ queryKey: dispatchKeys.jobs() });
  return (
    <div>
      {state} {run?.state} {steps.length} {events.length} {q.data?.id}
      <button type="button" onClick={clear}>
        clear
      </button>
      <button type="button" onClick={() => start.mutate({ name: "checkout", input: {} })}>
        start
      </button>
    </div>
  );
}

export function Tested() {
  const mock = createMockDispatch({ url: "ws://localhost:7790/dwp" });
  mock.handle("job.get", ({ job_id }) =>
    wireJob({ id: job_id, state: "pending", payload: { to: "ada@example.com" } }),
  );
  const own = new Dispatch({ url: mock.url, token: "t", WebSocket: mock.WebSocket });
  return (
    <>
      <DispatchProvider url={mock.url} token="dk_test_example" options={{ WebSocket: mock.WebSocket }}>
        <JobStatus id="job_1" />
      </DispatchProvider>
      <DispatchProvider client={own}>
        <JobStatus id="job_2" />
      </DispatchProvider>
    </>
  );
}

const rpc = createRpcClient({ url: "https://api.example.com/dwp", token: "dk_live_example" });
export async function JobPage({ id }: { id: string }) {
  const qc = new QueryClient();
  qc.setQueryData(dispatchKeys.job(id), await rpc.getJob(id));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <JobStatus id={id} />
    </HydrationBoundary>
  );
}
