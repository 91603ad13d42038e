// @vitest-environment happy-dom
/**
 * A server restart in the middle of a 10,000-event stream, with 20 clients
 * (half JSON, half msgpack) and React `useJob` views of real jobs that finish
 * before, during and after the outage. See stream-ledger.ts for what
 * "nothing lost" means without server replay.
 */
import type { Dispatch } from "@dispatch/client";
import type { DevServer } from "@dispatch/dev-server";
import { DispatchProvider, useDispatch, useJob } from "@dispatch/react";
import { QueryClient } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { clientOf, numbered, Signal, startServer, stateReaches, TOKEN, WebSocket } from "./helpers.js";
import { type PublishCounter, StreamLedger } from "./stream-ledger.js";

const CLIENTS = 20;
const TOTAL = 10_000;
/** Below the server's 256-event write buffer, which drops when full. */
const BATCH = 200;

afterEach(() => cleanup());

/** Lets the test decide when each job's first attempt ends. */
const gates = new Map<string, () => void>();
const release = (id: string) => {
  gates.get(id)?.();
  gates.delete(id);
};
afterEach(() => {
  for (const id of [...gates.keys()]) release(id);
});

function JobView({ id }: { id: string }) {
  const { data } = useJob(id);
  return <p data-testid={id}>{data?.state ?? "loading"}</p>;
}

let reactClient: Dispatch | undefined;
function Probe() {
  reactClient = useDispatch();
  return null;
}

function Providers({ server, children }: { server: DevServer; children: ReactNode }) {
  return (
    <DispatchProvider
      url={server.url}
      token={TOKEN}
      queryClient={new QueryClient()}
      options={{ WebSocket, heartbeatInterval: 0, minReconnectDelay: 20, maxReconnectDelay: 200 }}
    >
      <Probe />
      {children}
    </DispatchProvider>
  );
}

/** Publishes events `published.count` … `to - 1`, each batch awaited at every ledger when `await` is set. */
async function publish(
  server: DevServer,
  published: PublishCounter,
  to: number,
  awaited: { ledgers: StreamLedger[]; signal: Signal } | undefined,
): Promise<void> {
  while (published.count < to) {
    const end = Math.min(to, published.count + BATCH);
    for (let seq = published.count; seq < end; seq++) server.publish(numbered(seq));
    published.count = end;
    if (awaited) {
      const { ledgers, signal } = awaited;
      await signal.until(
        () => ledgers.every((l) => l.last >= end - 1),
        10_000,
        `event ${end - 1} everywhere`,
      );
    }
  }
}

describe("server restart mid-stream", () => {
  it("20 clients reconnect, resubscribe, report the gap and lose nothing live; useJob ends at the server's state", async () => {
    const server = await startServer({
      tokens: { [TOKEN]: { scopes: ["*"] } },
      backoff: () => 20,
      jobs: {
        gated: (ctx) => new Promise<void>((resolve) => gates.set(ctx.job.id, resolve)),
        // Fails for good: the first attempt waits for the test, retries throw at once.
        doomed: async (ctx) => {
          if (ctx.attempt === 1) await new Promise<void>((resolve) => gates.set(ctx.job.id, resolve));
          throw new Error("doomed");
        },
      },
    });
    const enqueue = (name: string) => server.engine.enqueue({ name, payload: undefined }).id;
    const [early, whileDown, failsWhileDown, late, stillRunning] = [
      enqueue("gated"),
      enqueue("gated"),
      enqueue("doomed"),
      enqueue("gated"),
      enqueue("gated"),
    ];
    const jobs = [early, whileDown, failsWhileDown, late, stillRunning] as string[];
    render(
      <Providers server={server}>
        {jobs.map((id) => (
          <JobView key={id} id={id} />
        ))}
      </Providers>,
    );

    const signal = new Signal();
    const published: PublishCounter = { count: 0 };
    const ledgers = Array.from(
      { length: CLIENTS },
      (_, i) => new StreamLedger(clientOf(server, { format: i % 2 ? "msgpack" : "json" }), signal, published),
    );
    const firstSessions = await Promise.all(ledgers.map((l) => l.client.connect()));
    // A request answered after the subscribe frame proves the server registered it.
    await Promise.all(ledgers.map((l) => l.client.stats()));
    for (const id of jobs) await waitFor(() => expect(screen.getByTestId(id).textContent).toBe("running"));

    release(early as string);
    await publish(server, published, TOTAL / 2, { ledgers, signal });
    const liveUntil = published.count;
    // One batch is in flight when the server goes down: it may or may not arrive.
    await publish(server, published, liveUntil + BATCH, undefined);
    const restarting = server.restart({ downMs: 300 });
    await Promise.all(
      [...ledgers.map((l) => l.client), reactClient as Dispatch].map((c) => stateReaches(c, "reconnecting")),
    );
    release(whileDown as string);
    release(failsWhileDown as string);
    await publish(server, published, liveUntil + 5 * BATCH, undefined);
    await restarting;

    await Promise.all(ledgers.map((l) => stateReaches(l.client, "open")));
    await Promise.all(ledgers.map((l) => l.client.stats()));
    const liveFrom = published.count;
    release(late as string);
    await publish(server, published, TOTAL, { ledgers, signal });

    for (const [i, ledger] of ledgers.entries()) {
      expect(ledger.violations(liveUntil, liveFrom, TOTAL), `client ${i}`).toEqual([]);
      expect(
        ledger.gaps.map((g) => [g.reason, g.channels]),
        `client ${i}`,
      ).toEqual([["reconnect", ["firehose"]]]);
      expect(ledger.client.status.sessionId).not.toBe(firstSessions[i]);
      // Nothing reached anyone while the server was down.
      expect(ledger.received.filter((s) => s >= liveUntil + BATCH && s < liveFrom)).toEqual([]);
    }
    const finals = {
      early: "completed",
      whileDown: "completed",
      failsWhileDown: "failed",
      late: "completed",
    };
    expect(jobs.slice(0, 4).map((id) => server.engine.getJob(id)?.state)).toEqual(Object.values(finals));
    for (const id of jobs) {
      await waitFor(() => expect(screen.getByTestId(id).textContent).toBe(server.engine.getJob(id)?.state), {
        timeout: 5000,
      });
    }
    expect(screen.getByTestId(stillRunning as string).textContent).toBe("running");
  }, 60_000);
});
