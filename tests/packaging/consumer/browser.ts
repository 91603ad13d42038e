// A browser app (checked without @types/node): the README's first example,
// the DOM's own WebSocket passed explicitly, createRpcClient and SSE.
import { createRpcClient, Dispatch, type DispatchOptions } from "@dispatch/client";

export async function browser(token: () => Promise<string>): Promise<void> {
  const client = new Dispatch({ url: "wss://api.example.com/dwp", token, WebSocket: globalThis.WebSocket });
  const sub = client.subscribe("jobs", { maxBuffered: 100, onEnd: () => undefined });
  await sub.ready;
  const { job_id } = await client.enqueue("send-email", { to: "ada@example.com" }, { queue: "mail" });
  for await (const event of sub) {
    if (event.topic === `job:${job_id}` && event.type === "job.completed") break;
  }
  const rpc = createRpcClient({
    url: "https://api.example.com/dwp",
    token: "dk_live",
    fetch: globalThis.fetch,
  });
  await rpc.getJob(job_id);
  const sse: DispatchOptions = { url: "https://api.example.com/dwp", token, transport: "sse" };
  new Dispatch(sse).close();
}
