interface ProcessLike {
  env?: Record<string, string | undefined>;
}

/**
 * Reads an environment variable where the runtime has an environment (Node,
 * Bun, Deno with --allow-env); `undefined` in browsers and where access is
 * denied.
 */
export function readEnv(name: string): string | undefined {
  try {
    const proc = (globalThis as { process?: ProcessLike }).process;
    const value = proc?.env?.[name];
    return value === "" ? undefined : value;
  } catch {
    // Deno throws when env access was not granted.
    return undefined;
  }
}
