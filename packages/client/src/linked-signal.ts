/** A signal that follows others, and the way to stop following them. */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Stops listening to the sources; call it once the work is done. */
  release(): void;
}

/**
 * A signal that aborts when any of `sources` does, with its reason.
 * `AbortSignal.any()` would do, but on Node 20 each signal it builds stays
 * reachable from its sources for as long as they live: one long-lived source
 * (a client's own close signal, an app-wide signal passed to every call)
 * would keep one per request, without bound.
 *
 * @example
 * ```ts
 * const { signal, release } = linkSignals(options.signal, closer.signal);
 * try { await fetch(url, { signal }); } finally { release(); }
 * ```
 */
export function linkSignals(...sources: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const linked = new AbortController();
  const present = sources.filter((source): source is AbortSignal => source !== undefined);
  const release = (): void => {
    for (const source of present) source.removeEventListener("abort", abort);
  };
  const abort = (): void => {
    release();
    linked.abort(present.find((source) => source.aborted)?.reason);
  };
  if (present.some((source) => source.aborted)) abort();
  else for (const source of present) source.addEventListener("abort", abort);
  return { signal: linked.signal, release };
}

/**
 * Settles as `work` does, or rejects with the signal's reason as soon as it
 * aborts. A `fetch` passed in by the user may ignore its signal (or hand back
 * a body that does), and a timeout or `close()` must still end the call.
 *
 * @example
 * ```ts
 * const response = await raceAbort(fetch(url, { signal }), signal);
 * ```
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(signal.reason);
    // Handled first: work that fails after the abort must not surface as unhandled.
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop, { once: true });
  });
}
