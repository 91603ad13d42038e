// README of @dispatch/client: the first example, createRpcClient, Node 20 `ws`, msgpack.
import { createRpcClient, Dispatch, DispatchError, type Job, type JobEvent } from "@dispatch/client";
import { msgpackCodec } from "@dispatch/client/msgpack";
import WebSocket from "ws";

export async function main(): Promise<void> {
  const client = new Dispatch({ url: "wss://api.example.com/dwp", token: "dk_live_…" });
  const sub = client.subscribe("jobs");
  await sub.ready;
  const { job_id } = await client.enqueue("send-email", { to: "ada@example.com" }, { queue: "mail" });
  for await (const event of sub) {
    if (event.topic !== `job:${job_id}`) continue;
    console.log(event.type, event.data);
    if (event.type === "job.completed" || event.type === "job.dlq") break;
  }
  const job: Job = await client.getJob(job_id);
  console.log(job.state);
  client.close();

  const node20 = new Dispatch({ url: "ws://127.0.0.1:7777/dwp", token: "t", WebSocket });
  const one = node20.subscribe(`job:${job_id}`, (e: JobEvent) => console.log(e.type));
  one.unsubscribe();
  node20.onGap(({ channels, reason }) => console.log(channels, reason));
  try {
    await node20.waitForJob(job_id, { timeout: 1000 });
  } catch (error) {
    if (error instanceof DispatchError) console.log(error.code, error.retryable);
  }

  const dispatch = createRpcClient({
    url: "https://api.example.com/dwp",
    token: "dk_live_example",
  });
  const r = await dispatch.enqueue("send-email", { to: "ada@example.com" });
  await dispatch.getJob(r.job_id);

  const bytes = msgpackCodec.encode({ id: "1", type: "ping", ts: new Date() });
  console.log(bytes);
}
