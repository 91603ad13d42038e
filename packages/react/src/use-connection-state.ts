import type { ConnectionState, ConnectionStatus, DispatchError } from "@dispatch/client";
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { useDispatch } from "./use-dispatch.js";

/** What `useConnectionState` returns. */
export interface ConnectionView {
  /** `idle`, `connecting`, `open`, `reconnecting` or `closed`. */
  state: ConnectionState;
  /** Why the last connection failed or closed, if it did. */
  error: DispatchError | undefined;
  /** `Date.now()` when the last session opened. */
  lastConnectedAt: number | undefined;
}

// The server renders "idle": no connection exists there.
const SERVER_STATUS: ConnectionStatus = Object.freeze({
  state: "idle",
  error: undefined,
  sessionId: undefined,
  format: "json",
  lastConnectedAt: undefined,
});

/**
 * The connection state of the provider's client, re-rendering on every
 * change (`useSyncExternalStore` over `client.onStateChange`).
 *
 * @example
 * ```tsx
 * function ConnectionBadge() {
 *   const { state, error } = useConnectionState();
 *   if (state === "reconnecting") return <span title={error?.message}>Reconnecting…</span>;
 *   return <span>{state}</span>;
 * }
 * ```
 */
export function useConnectionState(): ConnectionView {
  const client = useDispatch();
  const subscribe = useCallback((onChange: () => void) => client.onStateChange(onChange), [client]);
  // `client.status` is a new object on each change and the same one between.
  const status = useSyncExternalStore(
    subscribe,
    () => client.status,
    () => SERVER_STATUS,
  );
  return useMemo(
    () => ({ state: status.state, error: status.error, lastConnectedAt: status.lastConnectedAt }),
    [status],
  );
}
