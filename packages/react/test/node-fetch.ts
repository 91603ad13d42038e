/**
 * A minimal `fetch` over `node:http` for the client's HTTP RPC calls in
 * tests. happy-dom's fetch applies browser CORS rules, and the dev server
 * (like the Go server) answers no preflight.
 */
import { request } from "node:http";

interface Answer {
  status: number;
  statusText: string;
  ok: boolean;
  text(): Promise<string>;
}

export function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const url = new URL(String(input));
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const req = request(url, { method: init.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        const answer: Answer = {
          status,
          statusText: res.statusMessage ?? "",
          ok: status >= 200 && status < 300,
          text: async () => body,
        };
        resolve(answer as unknown as Response);
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    init.signal?.addEventListener("abort", () => req.destroy(new Error("aborted")), { once: true });
    if (typeof init.body === "string") req.write(init.body);
    req.end();
  });
}
