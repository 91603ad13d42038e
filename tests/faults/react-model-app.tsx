/**
 * The React side of the React model test (react-model.test.tsx): a real
 * `DispatchProvider` (it creates its own client, with `ws` injected), the
 * components under test, and what each of them last committed, written where
 * the test can read it.
 */
import type { Channel, Dispatch, StreamEvent } from "@dispatch/client";
import {
  DispatchProvider,
  useChannel,
  useConnectionState,
  useDispatch,
  useEnqueue,
  useJob,
  useStartWorkflow,
  useWorkflowRun,
} from "@dispatch/react";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { Fragment, StrictMode, useEffect } from "react";
import { WebSocket } from "./helpers.js";

export type Kind = "job" | "run" | "channel" | "conn";

/** What a mounted component committed last (written in an effect after every commit). */
export interface View {
  target: string;
  data: unknown;
  error: unknown;
  isLive: boolean;
  /** The rendered `events` of a useChannel or useJob. */
  events: readonly StreamEvent[];
  /** A useChannel's onEvent calls, with the channel the component was on. */
  heard: Array<{ channel: string; event: StreamEvent }>;
}

export const newView = (target: string): View => ({
  target,
  data: undefined,
  error: undefined,
  isLive: false,
  events: [],
  heard: [],
});

export interface Slot {
  /** React key: a new one remounts. */
  key: number;
  kind: Kind;
  target: string;
  strict: boolean;
  view: View;
}

export interface Model {
  url: string;
  token: string | undefined;
  /** How the token is given: the string, or a new (sync or async) function on every render. */
  tokenAs: "string" | "fn" | "async";
  format: "json" | "msgpack";
  /** The client's request timeout, in ms. */
  timeout: number;
  strict: boolean;
  /** Bumped to remount the provider (a new client). */
  rootKey: number;
  slots: Array<Slot | undefined>;
  /** The provider's cache, or `undefined` for one of its own. */
  queryClient: QueryClient | undefined;
}

/** Callbacks the test gets from inside the tree. */
export interface Hooks {
  /** Every render of the probe, with the provider's client. */
  client(client: Dispatch): void;
  /** Every render of the probe, with the provider's query cache. */
  cache(cache: QueryClient): void;
  /** A component committed: re-check what is being waited for. */
  committed(): void;
  /** The mutation hooks, as of the latest render. */
  mutations(m: Mutations): void;
  logger: { warn(...args: unknown[]): void; error(...args: unknown[]): void };
}

export interface Mutations {
  enqueue(name: string, queue: string): Promise<unknown>;
  start(name: string): Promise<unknown>;
}

function JobView({ id, view, hooks }: { id: string; view: View; hooks: Hooks }) {
  const q = useJob(id);
  useEffect(() => {
    Object.assign(view, { target: id, data: q.data, error: q.error, isLive: q.isLive, events: q.events });
    hooks.committed();
  });
  return null;
}

function RunView({ id, view, hooks }: { id: string; view: View; hooks: Hooks }) {
  const q = useWorkflowRun(id);
  useEffect(() => {
    Object.assign(view, { target: id, data: q.data, error: q.error, isLive: q.isLive });
    hooks.committed();
  });
  return null;
}

function ChannelView({ channel, view, hooks }: { channel: string; view: View; hooks: Hooks }) {
  const c = useChannel(channel as Channel, {
    limit: 1000,
    onEvent: (event) => {
      view.heard.push({ channel, event });
      hooks.committed();
    },
  });
  useEffect(() => {
    Object.assign(view, { target: channel, events: c.events, isLive: c.isLive });
    hooks.committed();
  });
  return null;
}

function ConnView({ view, hooks }: { view: View; hooks: Hooks }) {
  const { state } = useConnectionState();
  useEffect(() => {
    view.data = state;
    hooks.committed();
  });
  return null;
}

function Probe({ hooks }: { hooks: Hooks }) {
  hooks.client(useDispatch());
  hooks.cache(useQueryClient());
  const enqueue = useEnqueue();
  const start = useStartWorkflow();
  hooks.mutations({
    enqueue: (name, queue) => enqueue.mutateAsync({ name, queue }),
    start: (name) => start.mutateAsync({ name }),
  });
  return null;
}

function SlotView({ slot, hooks }: { slot: Slot; hooks: Hooks }) {
  const { kind, target, view } = slot;
  const inner =
    kind === "job" ? (
      <JobView id={target} view={view} hooks={hooks} />
    ) : kind === "run" ? (
      <RunView id={target} view={view} hooks={hooks} />
    ) : kind === "channel" ? (
      <ChannelView channel={target} view={view} hooks={hooks} />
    ) : (
      <ConnView view={view} hooks={hooks} />
    );
  return slot.strict ? <StrictMode>{inner}</StrictMode> : inner;
}

function tokenProp({ token, tokenAs }: Model) {
  if (token === undefined || tokenAs === "string") return token;
  return tokenAs === "fn" ? () => token : async () => token;
}

export function App({ model, hooks }: { model: Model; hooks: Hooks }) {
  const tree = (
    <DispatchProvider
      url={model.url}
      token={tokenProp(model)}
      format={model.format}
      queryClient={model.queryClient}
      options={{
        WebSocket,
        heartbeatInterval: 0,
        minReconnectDelay: 5,
        maxReconnectDelay: 40,
        timeout: model.timeout,
        logger: hooks.logger,
      }}
    >
      <Probe hooks={hooks} />
      {model.slots.map((slot) => slot && <SlotView key={slot.key} slot={slot} hooks={hooks} />)}
    </DispatchProvider>
  );
  return model.strict ? (
    <StrictMode key={model.rootKey}>{tree}</StrictMode>
  ) : (
    <Fragment key={model.rootKey}>{tree}</Fragment>
  );
}
