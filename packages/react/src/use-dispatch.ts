import { type Dispatch, ValidationError } from "@dispatch/client";
import { createContext, useContext } from "react";

/** Hands out the provider's client, creating it on first use. */
export interface ClientSource {
  get(): Dispatch;
}

/** @internal The context `DispatchProvider` fills. */
export const DispatchContext = createContext<ClientSource | null>(null);

/**
 * The `Dispatch` client of the nearest `DispatchProvider`, for requests in
 * event handlers and effects.
 *
 * During server rendering there is no client (no socket may open there):
 * you get a stand-in that throws a clear error if it is used, so components
 * can still call `useDispatch()` at the top and use the client in handlers.
 *
 * @example
 * ```tsx
 * function RetryButton({ jobName }: { jobName: string }) {
 *   const client = useDispatch();
 *   return <button onClick={() => client.enqueue(jobName, {})}>Run again</button>;
 * }
 * ```
 */
export function useDispatch(): Dispatch {
  const source = useContext(DispatchContext);
  if (source === null) {
    throw new ValidationError("useDispatch() needs a <DispatchProvider> above this component");
  }
  return source.get();
}
