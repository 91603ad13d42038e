/** Bounded waits: a run that hangs must fail with what it was waiting for, not time the test out. */

/** Upper bound for any single wait in a run; far past a normal run (tens of ms). */
export const BOUND = 5_000;

export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function withBound<T>(what: string, promise: Promise<T>, ms = BOUND): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
