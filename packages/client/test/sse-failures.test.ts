import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../src/connection-state.js";
import { AuthError, DispatchError } from "../src/errors.js";
import { sseClientFor, startServer, stateReaches } from "./setup.js";

const tokens = { dk_test_sse: { scopes: ["*"] } };

/** A fetch that never answers the first `held` SSE requests (a proxy holding them) but honours their signal. */
function holdingSse(held: number): typeof fetch {
  let seen = 0;
  return (input, init) => {
    if (!String(input).includes("/dwp/sse") || ++seen > held) return fetch(input, init);
    return new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
    });
  };
}

describe('transport: "sse" when things go wrong', () => {
  it("gives up on an SSE request whose response never starts, and opens another", async () => {
    const server = await startServer({ tokens });
    const client = sseClientFor(server.url, { fetch: holdingSse(1), timeout: 300 });
    const sub = client.subscribe("jobs");
    await sub.ready;
    expect(client.state).toBe("open");
  });

  it("stops when the RPC endpoint answers 404 (a wrong base path) instead of probing forever", async () => {
    const notFound: typeof fetch = async () => new Response("404 page not found", { status: 404 });
    const client = sseClientFor("http://127.0.0.1:9/wrong", { fetch: notFound, timeout: 2000 });
    await expect(client.connect()).rejects.toMatchObject({ code: 404, retryable: false });
    expect(client.state).toBe("closed");
  });

  it("says why while a stream is re-opening, as the socket transport does", async () => {
    const server = await startServer({ tokens });
    const unavailable: typeof fetch = (input, init) =>
      String(input).includes("/dwp/sse")
        ? Promise.resolve(new Response("", { status: 503, statusText: "Service Unavailable" }))
        : fetch(input, init);
    const client = sseClientFor(server.url, { fetch: unavailable });
    client.subscribe("jobs");
    await stateReaches(client, "reconnecting");
    expect(client.status.error).toBeInstanceOf(DispatchError);
    expect(client.status.error).toMatchObject({ code: 503 });
  });

  it("keeps the token out of status.error when the fetch names the URL in its error", async () => {
    const server = await startServer({ tokens });
    // node-fetch style: "request to <url> failed, reason: …".
    const naming: typeof fetch = (input, init) =>
      String(input).includes("/dwp/sse")
        ? Promise.reject(new TypeError(`request to ${String(input)} failed, reason: ECONNRESET`))
        : fetch(input, init);
    const client = sseClientFor(server.url, { fetch: naming });
    client.subscribe("jobs");
    await stateReaches(client, "reconnecting");
    expect(client.status.error?.message).toMatch(/^SSE stream failed: request to .*token=\[redacted\]/);
    expect(client.status.error?.message).not.toContain("dk_test_sse");
  });

  it("a channel whose stream failed reads as not live until its stream is open again", async () => {
    const server = await startServer({ tokens });
    const client = sseClientFor(server.url, { minReconnectDelay: 10, maxReconnectDelay: 20 });
    const seen: boolean[] = [];
    let next = (): void => {};
    const sub = client.subscribe("jobs", {
      onLive: (live) => {
        seen.push(live);
        next();
      },
    });
    await sub.ready;
    expect(sub.live).toBe(true);
    const changes = (count: number) =>
      new Promise<void>((resolve) => {
        next = () => seen.length >= count && resolve();
      });
    const lost = changes(2);
    server.dropConnections();
    await lost;
    expect(sub.live).toBe(false);
    const back = changes(3);
    await back;
    expect(sub.live).toBe(true);
    expect(seen).toEqual([true, false, true]);
  });

  it("a subscription made while its channel's stream is re-opening is live, and ready, only once it is back", async () => {
    const server = await startServer({ tokens });
    let down = false;
    const flaky: typeof fetch = (input, init) =>
      down && String(input).includes("/dwp/sse")
        ? Promise.resolve(new Response("", { status: 503, statusText: "Service Unavailable" }))
        : fetch(input, init);
    const client = sseClientFor(server.url, { fetch: flaky, minReconnectDelay: 10, maxReconnectDelay: 20 });
    let lost = (): void => {};
    const first = client.subscribe("jobs", { onLive: (live) => live || lost() });
    await first.ready;
    const gone = new Promise<void>((resolve) => {
      lost = resolve;
    });
    down = true;
    server.dropConnections();
    await gone;
    const seen: boolean[] = [];
    const late = client.subscribe("jobs", { onLive: (live) => seen.push(live) });
    let ready = false;
    void late.ready.then(() => {
      ready = true;
    });
    await stateReaches(client, "reconnecting");
    expect({ live: late.live, ready, seen }).toEqual({ live: false, ready: false, seen: [] });
    down = false;
    await late.ready;
    expect({ live: late.live, seen, first: first.live }).toEqual({ live: true, seen: [true], first: true });
  });

  it("reports 'closed' once, and keeps the refusal when close() follows a refused token", async () => {
    const server = await startServer({ tokens });
    const client = sseClientFor(server.url, { token: "dk_test_unknown" });
    const states: ConnectionState[] = [];
    client.onStateChange((state) => states.push(state));
    await expect(client.connect()).rejects.toBeInstanceOf(AuthError);
    client.close();
    expect(client.status.error).toBeInstanceOf(AuthError);
    expect(states.filter((state) => state === "closed")).toHaveLength(1);
  });

  it("reports 'closed' once on a plain close(), however long the link takes to load", async () => {
    const server = await startServer({ tokens });
    const client = sseClientFor(server.url);
    await client.subscribe("jobs").ready;
    const states: ConnectionState[] = [];
    client.onStateChange((state) => states.push(state));
    client.close();
    // The link closes after the stand-in: its own "closed" arrives a turn later.
    await new Promise((resolve) => setImmediate(resolve));
    expect(states).toEqual(["closed"]);
  });
});
