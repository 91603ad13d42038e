/** Carries out one command of the SSE model. */
import { tick } from "../model-shared/waits.js";
import type { Cmd } from "./commands.js";
import { failures } from "./fetch-watch.js";
import { burst } from "./publish.js";
import type { SseRun } from "./run.js";
import { sseStats } from "./stats.js";
import { subscribe, unsubscribe } from "./subs.js";

export async function exec(run: SseRun, c: Cmd): Promise<void> {
  // A listener may have closed the last client.
  if (run.alive.length === 0) run.fresh();
  switch (c.t) {
    case "sub":
      return subscribe(run, c.ch, c.mode, c.kill, run.target(c.on));
    case "unsub":
      return unsubscribe(run, c.i, run.target(c.on));
    case "enqueue": {
      const p = run
        .target(0)
        .client.enqueue(
          c.gated ? "gated" : "quick",
          { gated: c.gated },
          c.q === "default" ? {} : { queue: c.q },
        );
      p.then(
        (r) => run.knownJobs.push({ id: r.job_id, queue: r.queue }),
        () => {},
      );
      return run.track(`enqueue ${c.gated ? "gated" : "quick"} ${c.q}`, p);
    }
    case "workflow":
      return run.track(
        "startWorkflow",
        run.target(0).client.startWorkflow("wf", { n: 1 }, { timeout: 2_000 }),
      );
    case "req": {
      const client = run.target(0).client;
      const opts = c.short ? { timeout: 3 } : {};
      const job =
        run.knownJobs[c.what % Math.max(1, run.knownJobs.length)]?.id ?? "job_01h455vb4pex5vsknk084sn02q";
      const label = `${["stats", "getJob", "enqueue quick", "waitForJob", "connect"][c.what]} ${job}${c.short ? " (3 ms)" : ""}`;
      const calls = [
        () => client.stats(opts),
        () => client.getJob(job, opts),
        () => client.enqueue("quick", { req: true }, opts),
        // Its own job:<id> subscription, and re-reads on gaps; a gated job finishes once the run ends.
        () => client.waitForJob(job, { timeout: c.short ? 50 : 3_000 }),
        () => client.connect(opts),
      ];
      const call = calls[c.what] ?? (() => client.stats(opts));
      return run.track(label, call());
    }
    case "burst":
      if (c.settled) await run.settle();
      return burst(run, c.target, c.n, async (batch) => {
        if (c.mid?.at === batch) await exec(run, c.mid.cmd);
      });
    case "drop":
      run.dropping();
      run.server.dropConnections();
      if (c.wait) await run.dropsNoticed();
      return;
    case "restart": {
      run.dropping();
      return run.restartServer(c.ticks, async () => {
        // Long enough for the clients' retries to fail: backoff, re-probes, failed dials.
        const until = failures.count + c.fails;
        if (c.fails > 0 && run.alive.some((a) => a.subs.some((s) => !s.ended)))
          await run.signal
            .until(() => failures.count >= until, 500, "failed requests")
            .catch(() => sseStats.downWaits++);
      });
    }
    case "fresh":
      return run.fresh(c.keep);
    case "page":
      if (c.ev === "hide") sseStats.pageHides++;
      return run.pageEvent(c.ev);
    case "yield":
      for (let k = 0; k < c.n; k++) await tick();
      return;
    case "settle":
      return run.settle();
  }
}
