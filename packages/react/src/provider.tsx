import {
  AuthError,
  Dispatch,
  type DispatchOptions,
  type Format,
  type TokenProvider,
  ValidationError,
} from "@dispatch/client";
import { QueryClient, QueryClientContext, QueryClientProvider } from "@tanstack/react-query";
import { type ReactElement, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from "react";
import { dispatchKeys } from "./keys.js";
import { type ClientSource, DispatchContext } from "./use-dispatch.js";

/** Props of `DispatchProvider`. */
export interface DispatchProviderProps {
  /** `wss://host/dwp`. Ignored when `client` is given. */
  url?: string | undefined;
  /**
   * A token, or a function (sync or async) asked on every (re)connect, so a
   * refreshed token is picked up without recreating the client. While it is
   * `undefined` (a session still loading, a signed-out user) connects wait,
   * and a token given before is never reused. Turning `undefined` (signing
   * out) or back (signing in) starts a new client: the last user's session
   * ends with its Dispatch queries. After the server refused the token (the
   * client closes for good), a new token string starts a new client; with a
   * function, change the provider's `key` instead. To switch users without
   * signing out in between, change the `key` too.
   */
  token?: TokenProvider | undefined;
  /** Wire format. Default `"json"`. */
  format?: Format | undefined;
  /** Use this client instead of creating one. The provider never closes it. */
  client?: Dispatch | undefined;
  /** Default: the surrounding `QueryClientProvider`'s client, else a new one. */
  queryClient?: QueryClient | undefined;
  /**
   * Any other client option (`WebSocket`, `timeout`, `logger`, …). Read once,
   * when the client is created; change `url`, `format` or the provider's
   * `key` to start a new client.
   */
  options?: Omit<DispatchOptions, "url" | "token" | "format"> | undefined;
  children?: ReactNode | undefined;
}

const isServer = (): boolean => typeof window === "undefined";

/** Stands in for the client during server rendering, where none may exist. */
const serverClient = new Proxy(
  {},
  {
    get(_target, property) {
      if (typeof property !== "string" || property === "then") return undefined;
      throw new ValidationError(
        `client.${property} is not available during server rendering: use the Dispatch client in effects or event handlers`,
      );
    },
  },
) as Dispatch;

/**
 * Creates the client on first use and closes it when the provider unmounts.
 * The close waits a microtask: React StrictMode unmounts and remounts every
 * effect at once in development, and closing there would cost a whole new
 * connection.
 */
class OwnedClient implements ClientSource {
  #client: Dispatch | undefined;
  #users = 0;

  readonly #create: () => Dispatch;

  constructor(create: () => Dispatch) {
    this.#create = create;
  }

  get(): Dispatch {
    if (isServer()) return serverClient;
    this.#client ??= this.#create();
    return this.#client;
  }

  /** Whether the server refused the token and the client closed for good. */
  get refused(): boolean {
    return this.#client?.state === "closed" && this.#client.status.error instanceof AuthError;
  }

  retain(): () => void {
    this.#users++;
    return () => {
      this.#users--;
      queueMicrotask(() => {
        if (this.#users > 0) return;
        this.#client?.close();
        this.#client = undefined;
      });
    };
  }
}

class GivenClient implements ClientSource {
  readonly #client: Dispatch;
  constructor(client: Dispatch) {
    this.#client = client;
  }
  get(): Dispatch {
    return this.#client;
  }
  retain(): () => void {
    return () => {};
  }
}

/**
 * Provides a Dispatch client (and a TanStack `QueryClient`) to the hooks below
 * it. The client is created lazily, on the client side only, so server
 * rendering opens no socket; the provider closes the client it created when
 * it unmounts.
 *
 * @example
 * ```tsx
 * const queryClient = new QueryClient();
 *
 * export function App() {
 *   return (
 *     <QueryClientProvider client={queryClient}>
 *       <DispatchProvider url="wss://api.example.com/dwp" token={() => fetchToken()}>
 *         <Jobs />
 *       </DispatchProvider>
 *     </QueryClientProvider>
 *   );
 * }
 * ```
 */
// ReactElement, not ReactNode: before TypeScript 5.1 (no `JSX.ElementType`) a
// component declared to return ReactNode "cannot be used as a JSX component".
export function DispatchProvider(props: DispatchProviderProps): ReactElement {
  const { url, format, client, queryClient, children } = props;
  // Latest values, read when the client needs them: an inline token function
  // or options object must not recreate the client on every render.
  const token = useRef(props.token);
  token.current = props.token;
  const options = useRef(props.options);
  options.current = props.options;
  // Bumped to replace a client whose token the server refused, and on signing in or out.
  const [generation, setGeneration] = useState(0);
  // Signing in or out replaces the client in this render, before anything
  // below can read through the old one: the last user's session ends, and a
  // client that waited (or gave up waiting) for a token is not kept.
  const signedOut = props.token === undefined;
  const [wasSignedOut, setWasSignedOut] = useState(signedOut);
  if (signedOut !== wasSignedOut) {
    setWasSignedOut(signedOut);
    if (client === undefined) setGeneration((n) => n + 1);
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation means a new client
  const source = useMemo<OwnedClient | GivenClient>(() => {
    if (client !== undefined) return new GivenClient(client);
    const current = (): string | Promise<string> => {
      const given = token.current;
      // Never an earlier user's token: signed out, connects wait until signing
      // in brings a new client. A new endless wait each time (each connect
      // times out): one shared promise would keep every timed-out wait's
      // reaction, and its timer, for as long as it lives.
      if (given === undefined) return new Promise<string>(() => {});
      return typeof given === "function" ? given() : given;
    };
    return new OwnedClient(
      () =>
        new Dispatch({
          ...options.current,
          ...(url !== undefined && { url }),
          ...(format !== undefined && { format }),
          token: current,
        }),
    );
  }, [client, url, format, generation]);

  useEffect(() => source.retain(), [source]);
  const tokenKind = useRef(typeof props.token);
  useEffect(() => {
    // A refused token closes the client for good (no retry storm). A new token
    // string, say after signing in again, is worth a new client, and so is a
    // switch between a string and a function. A function is often a new
    // closure on every render, so a function after a function never counts.
    const kind = typeof props.token;
    const switched = kind !== tokenKind.current;
    tokenKind.current = kind;
    if ((kind === "string" || switched) && source instanceof OwnedClient && source.refused)
      setGeneration((n) => n + 1);
  }, [props.token, source]);

  const outer = useContext(QueryClientContext);
  // A new QueryClient only when neither a prop nor a surrounding provider
  // gives one, and kept: mounted queries stay bound to the cache they were
  // built on, so a render without either keeps the last cache in use.
  const kept = useRef<QueryClient | undefined>(undefined);
  kept.current = queryClient ?? outer ?? kept.current ?? new QueryClient();
  const cache = kept.current;
  // Queries that failed with the refused token read again through the new
  // client; this runs after the hooks below took it up. On signing out, the
  // last user's data goes as well.
  useEffect(() => {
    if (generation === 0) return;
    const filters = { queryKey: dispatchKeys.all };
    void (token.current === undefined ? cache.resetQueries(filters) : cache.invalidateQueries(filters));
  }, [generation, cache]);

  const tree = <DispatchContext.Provider value={source}>{children}</DispatchContext.Provider>;
  return cache === outer ? tree : <QueryClientProvider client={cache}>{tree}</QueryClientProvider>;
}
