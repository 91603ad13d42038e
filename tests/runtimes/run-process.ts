import { spawn } from "node:child_process";

/** What a child process printed and how it ended. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when it was killed for running past its time limit. */
  timedOut: boolean;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Killed (SIGKILL) after this many ms. */
  timeoutMs: number;
}

/**
 * Runs a command to completion without blocking the event loop (the dev
 * server the child talks to lives in this process), killing it past its time
 * limit so a hung runtime fails the test instead of stalling the run.
 *
 * @example
 * ```ts
 * const r = await runProcess("node", ["-v"], { cwd: ".", env: process.env, timeoutMs: 5_000 });
 * ```
 */
export function runProcess(
  command: string,
  args: string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** A one-line account of a failed run, for assertion messages. */
export function describeRun(result: ProcessResult): string {
  const ending = result.timedOut
    ? "was killed after its time limit"
    : `exited ${result.code ?? result.signal}`;
  return `${ending}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;
}
