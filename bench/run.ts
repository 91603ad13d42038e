/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the
 * same run (or an absolute count with a goal), the median of at least five
 * runs, with min–max beside it. BENCH_RUNS and BENCH_SCALE shrink it; the
 * smoke test in tests/faults calls `runBench` directly with one run.
 * docs/benchmarks.md explains each figure.
 */
import { writeFileSync } from "node:fs";
import { arch, availableParallelism, cpus, platform, totalmem } from "node:os";
import { pathToFileURL } from "node:url";
import { backlog, bareIngest, concurrentRequests, sdkIngest, subscribeRace } from "./measures.js";
import { reactRendersUnderFlood } from "./react-flood.js";
import { type Figure, summarise } from "./stats.js";

export interface BenchOptions {
  runs: number;
  scale: number;
  out?: string;
}

async function repeat(runs: number, measure: () => Promise<number>): Promise<Figure> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  return summarise(values);
}

export async function runBench({ runs, scale, out }: BenchOptions): Promise<Record<string, number>> {
  const flood = Math.round(200_000 * scale);
  const figures: Record<string, Figure> = {};
  const bare: number[] = [];
  const json: number[] = [];
  const msgpack: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so drift in machine load touches both sides of each ratio.
    bare.push(await bareIngest(flood));
    json.push(await sdkIngest(flood, "json"));
    msgpack.push(await sdkIngest(flood, "msgpack"));
  }
  figures.ingest_ratio_json = summarise(json.map((v, i) => v / (bare[i] ?? v)));
  figures.ingest_ratio_msgpack = summarise(msgpack.map((v, i) => v / (json[i] ?? v)));
  figures.bare_ws_events_per_s = summarise(bare);
  const backlogs = [];
  for (let i = 0; i < runs; i++) backlogs.push(await backlog(flood));
  figures.backlog_drain_ms = summarise(backlogs.map((b) => b.drainMs));
  figures.heap_bytes_per_buffered_event = summarise(backlogs.map((b) => b.bytesPerEvent));
  const requests = [];
  for (let i = 0; i < runs; i++)
    requests.push(await concurrentRequests(Math.max(10, Math.round(1000 * scale))));
  figures.concurrent_requests_per_s = summarise(requests.map((r) => r.sdk));
  figures.concurrent_requests_ratio = summarise(requests.map((r) => r.sdk / r.bare));
  figures.subscribe_race_lost_events = await repeat(runs, () => subscribeRace(Math.round(5000 * scale)));
  // A window of 2 s at full scale; never under 300 ms, or a few frames would decide the figure.
  const reactWindow = Math.max(300, Math.round(2000 * scale));
  figures.react_renders_per_s_under_flood = await repeat(runs, () => reactRendersUnderFlood(reactWindow));

  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${platform()} ${arch()}`,
    memory_gb: Math.round(totalmem() / 2 ** 30),
  };
  const results = Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, round(f.median)]));
  printTable(figures, machine, flood, runs);
  if (out) {
    const ranges = Object.fromEntries(
      Object.entries(figures).map(([k, f]) => [k, { min: round(f.min), max: round(f.max) }]),
    );
    const at = new Date().toISOString();
    const report = { ...results, machine, runs, flood_events: flood, ranges, at };
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  }
  return results;
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000;
}

function printTable(figures: Record<string, Figure>, machine: object, flood: number, runs: number): void {
  const rows = Object.entries(figures).map(([name, f]) => ({
    figure: name,
    median: round(f.median),
    "min–max": `${round(f.min)} – ${round(f.max)}`,
  }));
  console.log(`machine: ${JSON.stringify(machine)}; flood of ${flood} events; median of ${runs} runs`);
  console.table(rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: npm runs the bench directly, never through turbo's cache
  const runs = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: as above
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  await runBench({ runs, scale, out: new URL("./results.json", import.meta.url).pathname });
}
