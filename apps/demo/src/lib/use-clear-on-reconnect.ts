import { useConnectionState } from "@dispatch/react";
import { useEffect, useRef } from "react";

interface Failable {
  readonly isError: boolean;
  reset(): void;
}

/**
 * Clears the failures of `mutations` when the connection comes back: a
 * timeout from before the outage says nothing about the connection now.
 * Only on that change, so a failure while connected (a 404) stays shown, and
 * only failed ones: `reset()` would detach a call still running.
 */
export function useClearOnReconnect(...mutations: Failable[]): void {
  const { state } = useConnectionState();
  const previous = useRef(state);
  const latest = useRef(mutations);
  latest.current = mutations;
  useEffect(() => {
    const was = previous.current;
    previous.current = state;
    if (state !== "open" || was === "open") return;
    for (const mutation of latest.current) if (mutation.isError) mutation.reset();
  }, [state]);
}
