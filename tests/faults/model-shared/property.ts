/** The property runner's settings both model tests read from the environment, each under its own prefix. */

export interface ModelEnv {
  /** `<PREFIX>_RUNS`, or the test's default. */
  runs: number;
  /** `<PREFIX>_SEED` and `<PREFIX>_PATH`: replay a failure fast-check printed. */
  seed: number | undefined;
  path: string | undefined;
  /** `<PREFIX>_DEBUG`: print the stacks of unhandled errors. */
  debug: boolean;
}

/** Reads `<prefix>_RUNS`, `_SEED`, `_PATH` and `_DEBUG`. */
export function modelEnv(prefix: "MODEL" | "SSE_MODEL", defaultRuns: number): ModelEnv {
  const env: Record<string, string | undefined> = process.env;
  const seed = env[`${prefix}_SEED`];
  return {
    runs: Number(env[`${prefix}_RUNS`] ?? defaultRuns),
    seed: seed === undefined ? undefined : Number(seed),
    path: env[`${prefix}_PATH`],
    debug: Boolean(env[`${prefix}_DEBUG`]),
  };
}

/** fast-check's options beyond the runs and examples: the replay, and `limit` ms before a hang fails the property. */
export function replayAndLimit(env: ModelEnv, limit: number) {
  return {
    ...(env.seed === undefined ? {} : { seed: env.seed }),
    ...(env.path === undefined ? {} : { path: env.path }),
    interruptAfterTimeLimit: limit,
    markInterruptAsFailure: true,
    verbose: 1,
  };
}

/** The unhandled errors collected since `before`, taken off `failures` (their stacks printed when debugging). */
export function newErrors(
  failures: { readonly errors: unknown[] },
  before: number,
  debug: boolean,
): unknown[] {
  const errors = failures.errors.slice(before);
  failures.errors.length = before;
  if (debug) for (const e of errors) console.log((e as Error).stack);
  return errors;
}
