/**
 * The `enqueue`, `req` and `abort` commands: requests with short timeouts,
 * already-aborted signals, or signals aborted later. An already-aborted
 * signal must give AbortError; a request still pending when its signal
 * aborts is checked by run-checks.ts once everything settled.
 */
import { AbortError } from "@dispatch/client";
import { tick } from "../model-shared/waits.js";
import type { RequestHow } from "./commands.js";
import type { Abortable } from "./records.js";
import type { Run } from "./run.js";

export function enqueue(run: Run, gated: boolean, q: string): void {
  const client = run.current.client;
  const p = client.enqueue(gated ? "gated" : "quick", { gated }, q === "default" ? {} : { queue: q });
  p.then(
    (r) => run.knownJobs.push({ id: r.job_id, queue: r.queue }),
    () => {},
  );
  run.track(`enqueue ${gated ? "gated" : "quick"} ${q}`, p);
}

export function request(run: Run, how: RequestHow, what: number, ms: number): void {
  const client = run.current.client;
  const opts: { timeout?: number; signal?: AbortSignal } = {};
  if (how === "short") opts.timeout = ms;
  if (how === "preAborted") opts.signal = AbortSignal.abort();
  const controller = how === "abortLater" ? new AbortController() : undefined;
  if (controller) opts.signal = controller.signal;
  const job = run.knownJobs[what % Math.max(1, run.knownJobs.length)]?.id ?? "job_none";
  let p: Promise<unknown>;
  let name: string;
  switch (what % 6) {
    case 0:
      name = "stats";
      p = client.stats(opts);
      break;
    case 1:
      name = `getJob ${job}`;
      p = client.getJob(job, opts);
      break;
    case 2:
      name = "enqueue quick";
      p = client.enqueue("quick", { req: true }, opts);
      break;
    case 3:
      name = "connect";
      p = client.connect(opts);
      break;
    case 4:
      name = `waitForJob ${job}`;
      p = client.waitForJob(job, { ...opts, timeout: opts.timeout ?? ms * 10 });
      break;
    default:
      name = `request job.get ${job}`;
      p = client.request("job.get", { job_id: job }, opts);
  }
  const label = `${name} (${how}${how === "short" ? ` ${ms} ms` : ""})`;
  if (how === "preAborted") {
    run.track(
      label,
      p.then(
        () => run.fail(`${label}: resolved despite an aborted signal`),
        (err: unknown) => {
          if (!(err instanceof AbortError))
            run.fail(`${label}: rejected with ${String(err)}, not AbortError`);
        },
      ),
    );
    return;
  }
  if (controller) {
    const entry: Abortable = { controller, label, promise: p, settled: false };
    p.then(
      () => (entry.settled = true),
      () => (entry.settled = true),
    );
    run.controllers.push(entry);
  }
  run.track(label, p);
}

export async function abortAll(run: Run): Promise<void> {
  // One turn first, so `settled` reflects whatever had already settled.
  await tick();
  for (const entry of run.controllers.splice(0)) {
    const pending = !entry.settled;
    entry.controller.abort(new Error("model abort"));
    if (pending) run.abortedPending.push({ label: entry.label, promise: entry.promise });
  }
}
