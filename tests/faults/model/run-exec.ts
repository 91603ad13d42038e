/** Carries out one command against a run; the server-side faults (drop, restart, silence) are here. */

import { BOUND, tick } from "../model-shared/waits.js";
import type { Cmd } from "./commands.js";
import type { Run } from "./run.js";
import { abortAll, enqueue, request } from "./run-requests.js";
import { subscribe, unsubscribe } from "./run-subscriptions.js";
import { stats } from "./stats.js";

export async function exec(run: Run, c: Cmd): Promise<void> {
  switch (c.t) {
    case "sub":
      return subscribe(run, c.ch, c.mode, c.kill, run.target(c.on));
    case "unsub":
      return unsubscribe(run, c.i, run.target(c.on));
    case "enqueue":
      return enqueue(run, c.gated, c.q);
    case "drop": {
      run.dropping();
      run.server.dropConnections();
      // Optionally go on only once the client noticed: the next commands then meet it reconnecting.
      if (c.wait)
        await run.signal.until(() => run.alive.every((a) => !a.dropInFlight), BOUND, "the drop noticed");
      return;
    }
    case "fresh":
      return run.fresh(c.msgpack, c.keep);
    case "silence": {
      // A half-dead server: the current sockets are frozen, never closed; the heartbeat must notice.
      // Only an open session: the drop bookkeeping waits for an open client to notice. (A socket
      // frozen before its upgrade was answered is given up after `timeout`: model-regressions.)
      const alive = run.alive;
      if (!alive.every((a) => a.client.state === "open")) return;
      for (const a of alive) a.dropInFlight = true;
      stats.silenced++;
      run.silenced = true;
      run.server.silence();
      return;
    }
    case "restart": {
      run.dropping();
      return run.restartServer(c.ticks);
    }
    case "workflow": {
      const client = run.current.client;
      run.track(
        `startWorkflow${c.ms === undefined ? "" : ` (${c.ms} ms)`}`,
        client.startWorkflow("wf", { n: 1 }, { timeout: c.ms ?? 2_000 }),
      );
      return;
    }
    case "req":
      return request(run, c.how, c.what, c.ms);
    case "abort":
      return abortAll(run);
    case "yield":
      for (let k = 0; k < c.n; k++) await tick();
      return;
    case "waitOpen": {
      const client = run.current.client;
      // An idle client starts only when asked: connect() starts it.
      client.connect({ timeout: BOUND }).catch(() => {});
      await run.signal.until(() => client.state === "open", BOUND, `client ${run.current.n} open`);
      return;
    }
    case "settle":
      return run.settle();
  }
}
