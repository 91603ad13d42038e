/**
 * Shared pieces of the React model test (react-model.test.tsx): its commands,
 * the dev server it runs against (jobs and runs that wait at a gate until the
 * test lets them go), bounded waits, and a count of the listeners each client
 * holds.
 */
import type { Dispatch } from "@dispatch/client";
import { createDevServer, type DevServer } from "@dispatch/dev-server";
import type { Kind } from "./react-model-app.js";

// The same bounded waits as the client models.
export { BOUND, tick, withBound as bounded } from "./model-shared/waits.js";

/** Two users the server knows, and a token it refuses (401). */
export const TOKENS = [
  "dk_test_react_model_a",
  "dk_test_react_model_b",
  "dk_test_react_model_refused",
] as const;
/** Well-formed ids nobody enqueued: the hooks must show the server's 404. */
export const MISSING_JOB = "job_01h455vb4pex5vsknk084sn02q";
export const MISSING_RUN = "wfrun_01h455vb4pex5vsknk084sn02q";
export const SLOTS = 5;

export type Via = "client" | "hook" | "engine";
export type Cmd =
  | { t: "mount"; slot: number; kind: Kind; pick: number; strict: boolean }
  | { t: "unmount"; slot: number }
  | { t: "enqueue"; job: "quick" | "gated" | "flaky" | "doomed"; via: Via; queue: "a" | "default" }
  | { t: "workflow"; gated: boolean; via: Via }
  | { t: "drop"; release: boolean }
  | { t: "restart"; downMs: number; release: boolean }
  | { t: "strict" }
  | { t: "token"; signedIn: boolean; user: 0 | 1 | 2; as: "string" | "fn" | "async" }
  | { t: "release" }
  | { t: "yield"; n: number }
  | { t: "waitOpen" }
  | { t: "quiesce" };

export interface Scenario {
  cmds: Cmd[];
  strict: boolean;
  sharedCache: boolean;
  lingerCheck: boolean;
  msgpack: boolean;
  /** Requests (and connects waiting for a token) time out after 150 ms instead of 2 s. */
  shortTimeout: boolean;
}

/** Listeners registered through the client's onStateChange/onGap and not yet removed. */
export type ListenerCounts = Map<Dispatch, number>;

export function countListeners(client: Dispatch, counts: ListenerCounts, poke: () => void): void {
  counts.set(client, 0);
  for (const name of ["onStateChange", "onGap"] as const) {
    const original = client[name].bind(client) as (listener: never) => () => void;
    Object.defineProperty(client, name, {
      value: (listener: never) => {
        const off = original(listener);
        counts.set(client, (counts.get(client) ?? 0) + 1);
        let removed = false;
        return () => {
          off();
          if (removed) return;
          removed = true;
          counts.set(client, (counts.get(client) ?? 0) - 1);
          poke();
        };
      },
    });
  }
}

/**
 * A dev server on 127.0.0.1, port 0, with quick, gated (held by `gate`),
 * flaky (fails its first attempt) and doomed jobs, and quick and gated
 * workflows. Only the first two TOKENS are accepted.
 */
export function modelServer(gate: (id: string) => Promise<void>): Promise<DevServer> {
  return createDevServer({
    port: 0,
    host: "127.0.0.1",
    concurrency: 1_000,
    backoff: () => 5,
    tokens: Object.fromEntries(TOKENS.slice(0, 2).map((t) => [t, { scopes: ["*"] }])),
    jobs: {
      quick: () => {},
      gated: ({ job }) => gate(job.id),
      flaky: ({ attempt }) => {
        if (attempt === 1) throw new Error("flaky");
      },
      doomed: () => {
        throw new Error("doomed");
      },
    },
    workflows: {
      quick: async (wf) => {
        await wf.step("one", () => ({ ok: true }));
      },
      gated: async (wf) => {
        await wf.step("before", () => 1);
        await wf.step("gate", () => gate(wf.runId));
        await wf.step("after", () => 2);
      },
    },
  });
}
