/**
 * One run of the React model test: a dev server, the React tree of
 * react-model-app.tsx rendered against it, and the commands that change
 * either. The checks made after settling are in react-model-checks.ts.
 */
import { AuthError, type Dispatch, DispatchError } from "@dispatch/client";
import type { DevServer, StreamEvent as ServerEvent } from "@dispatch/dev-server";
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { Signal } from "./helpers.js";
import { App, type Hooks, type Kind, type Model, type Mutations, newView } from "./react-model-app.js";
import {
  BOUND,
  bounded,
  type Cmd,
  countListeners,
  type ListenerCounts,
  MISSING_JOB,
  MISSING_RUN,
  modelServer,
  type Scenario,
  SLOTS,
  TOKENS,
  tick,
  type Via,
} from "./react-model-support.js";

export class ReactRun {
  readonly signal = new Signal();
  readonly gates = new Map<string, () => void>();
  readonly jobs: string[] = [];
  readonly runs: string[] = [];
  readonly published: ServerEvent[] = [];
  /** Every client the provider handed out, oldest first. */
  readonly clients: Dispatch[] = [];
  readonly listeners: ListenerCounts = new Map();
  /** Every query cache the hooks used. */
  readonly caches = new Set<QueryClient>();
  /** Requests made by the test through the client or mutation hooks: each must settle, any error a DispatchError. */
  readonly requests: Array<{ what: string; promise: Promise<unknown>; settled: boolean }> = [];
  readonly logged: unknown[][] = [];
  server!: DevServer;
  probeJob = "";
  model!: Model;
  mutations: Mutations | undefined;
  view: ReturnType<typeof render> | undefined;
  restarting: Promise<void> | undefined;
  /** Clients closed for good by a refused token. */
  refusals = 0;
  #keys = 0;
  #offEngine: (() => void) | undefined;

  readonly hooks: Hooks = {
    client: (client) => {
      if (this.clients.includes(client)) return;
      // Our own listener, through the unwrapped method: not counted as a leak.
      client.onStateChange((state, status) => {
        if (state === "closed" && status.error instanceof AuthError) this.refusals++;
        this.signal.poke();
      });
      countListeners(client, this.listeners, () => this.signal.poke());
      this.clients.push(client);
    },
    cache: (cache) => void this.caches.add(cache),
    committed: () => this.signal.poke(),
    mutations: (m) => {
      this.mutations = m;
    },
    logger: {
      warn: () => {},
      error: (...args) => void this.logged.push(args),
    },
  };

  get client(): Dispatch {
    return this.clients[this.clients.length - 1] as Dispatch;
  }

  get signedIn(): boolean {
    return this.model.token !== undefined;
  }

  /** Signed in with a token the server accepts. */
  get accepted(): boolean {
    return this.signedIn && this.model.token !== TOKENS[2];
  }

  /**
   * Closed by a refused token while the token is a function: the provider
   * keeps it until a token string or a new `key` (README). A function after
   * a function is no new token, even when the first one was refused and the
   * second returns a good one, so nothing will open.
   */
  refusedForGood(client: Dispatch): boolean {
    return (
      client.state === "closed" && client.status.error instanceof AuthError && this.model.tokenAs !== "string"
    );
  }

  async start(s: Scenario): Promise<void> {
    const gate = (id: string) =>
      new Promise<void>((resolve) => {
        this.gates.set(id, resolve);
        this.signal.poke();
      });
    this.server = await modelServer(gate);
    this.#offEngine = this.server.engine.onEvent((event) => {
      this.published.push(event);
      if (event.type === "job.enqueued") this.jobs.push(event.data.job_id as string);
      if (event.type === "workflow.started") this.runs.push(event.data.run_id as string);
      this.signal.poke();
    });
    this.probeJob = this.server.engine.enqueue({ name: "gated", payload: undefined }).id;
    this.model = {
      url: this.server.url,
      token: TOKENS[0],
      tokenAs: "string",
      format: s.msgpack ? "msgpack" : "json",
      timeout: s.shortTimeout ? 150 : 2_000,
      strict: s.strict,
      rootKey: 0,
      slots: Array.from({ length: SLOTS }, () => undefined),
      queryClient: s.sharedCache ? new QueryClient() : undefined,
    };
    this.view = render(<App model={{ ...this.model }} hooks={this.hooks} />);
  }

  rerender(): void {
    this.view?.rerender(<App model={{ ...this.model, slots: [...this.model.slots] }} hooks={this.hooks} />);
  }

  async stop(): Promise<void> {
    this.view?.unmount();
    this.view = undefined;
    for (const c of this.clients) c.close();
    for (const release of this.gates.values()) release();
    this.#offEngine?.();
    await bounded("restart at stop", this.restarting ?? Promise.resolve()).catch(() => {});
    await bounded("server close", this.server?.close() ?? Promise.resolve());
  }

  targetOf(kind: Kind, pick: number): string {
    // One pick in (ids + 1) is an id the server does not know.
    if (kind === "job") return this.jobs[pick % (this.jobs.length + 1)] ?? MISSING_JOB;
    if (kind === "run") return this.runs[pick % (this.runs.length + 1)] ?? MISSING_RUN;
    if (kind === "conn") return "";
    const channels = [
      "jobs",
      "workflows",
      "firehose",
      "queue:a",
      "queue:default",
      ...this.jobs.map((id) => `job:${id}`),
      ...this.runs.map((id) => `workflow:${id}`),
    ];
    return channels[pick % channels.length] as string;
  }

  /** Sends through the client or a mutation hook while signed in (signed out, nothing could connect). */
  #via(
    via: Via,
    what: string,
    client: () => Promise<unknown>,
    hook: () => Promise<unknown>,
    engine: () => unknown,
  ) {
    if (via === "engine" || !this.signedIn || (via === "hook" && this.mutations === undefined)) {
      void Promise.resolve(engine()).catch(() => {});
      return;
    }
    const request = { what, promise: via === "client" ? client() : hook(), settled: false };
    // Handled now (a closed client rejects at once); checked when the run settles.
    const done = () => {
      request.settled = true;
      this.signal.poke();
    };
    request.promise.then(done, done);
    this.requests.push(request);
  }

  async exec(c: Cmd): Promise<void> {
    switch (c.t) {
      case "mount": {
        const slots = this.model.slots;
        const old = slots[c.slot];
        const target = this.targetOf(c.kind, c.pick);
        // Same kind: the component stays and its id (or channel) prop changes.
        const key = old?.kind === c.kind ? old.key : ++this.#keys;
        const strict = old?.kind === c.kind ? old.strict : c.strict;
        const view = old?.kind === c.kind && old.target === target ? old.view : newView(target);
        slots[c.slot] = { key, kind: c.kind, target, strict, view };
        this.rerender();
        return;
      }
      case "unmount":
        this.model.slots[c.slot] = undefined;
        this.rerender();
        return;
      case "enqueue": {
        const { job, queue } = c;
        this.#via(
          c.via,
          `enqueue ${job}`,
          () => this.client.enqueue(job, undefined, { queue }),
          () => this.mutations!.enqueue(job, queue),
          () => this.server.engine.enqueue({ name: job, payload: undefined, queue }),
        );
        return;
      }
      case "workflow": {
        const name = c.gated ? "gated" : "quick";
        this.#via(
          c.via,
          `workflow ${name}`,
          () => this.client.startWorkflow(name),
          () => this.mutations!.start(name),
          () => this.server.engine.startWorkflow(name, undefined),
        );
        return;
      }
      case "drop":
        this.server.dropConnections();
        // A job finishing while the client is away: its events are lost (no replay).
        if (c.release) this.releaseOne();
        return;
      case "restart":
        await bounded("restart", this.restarting ?? Promise.resolve());
        this.restarting = this.server.restart({ downMs: c.downMs });
        if (c.release) this.releaseOne();
        return;
      case "strict":
        this.model.strict = !this.model.strict;
        this.model.rootKey++;
        this.rerender();
        return;
      case "token":
        this.model.token = c.signedIn ? TOKENS[c.user] : undefined;
        this.model.tokenAs = c.as;
        this.rerender();
        return;
      case "release":
        this.releaseOne();
        return;
      case "yield":
        for (let i = 0; i < c.n; i++) await tick();
        return;
      case "waitOpen":
        await this.waitOpen();
        return;
      case "quiesce":
        // Until every mounted view has read something (or not, after a while: signed out, down).
        await this.signal
          .until(
            () =>
              this.model.slots.every(
                (v) =>
                  v === undefined ||
                  v.kind === "conn" ||
                  v.view.isLive ||
                  v.view.data !== undefined ||
                  v.view.error != null,
              ),
            300,
            "views read",
          )
          .catch(() => {});
        return;
    }
  }

  /** Lets the oldest gated job or run (but the probe job) finish. */
  releaseOne(): void {
    const first = [...this.gates.keys()].find((id) => id !== this.probeJob);
    if (first !== undefined) this.release(first);
  }

  release(id: string): void {
    this.gates.get(id)?.();
    this.gates.delete(id);
  }

  /**
   * Connects the provider's client (nothing may have used it yet) and waits
   * until it is open; with `roundTrip`, until a request went through (a
   * dropped socket may still read as open for a moment).
   */
  async waitOpen(roundTrip = false): Promise<void> {
    if (!this.accepted) return;
    await bounded("restart", this.restarting ?? Promise.resolve());
    for (let attempt = 0; attempt < 5; attempt++) {
      const client = this.client;
      void client.connect({ timeout: BOUND }).catch(() => {});
      await this.signal.until(
        () => client.state === "open" || client !== this.client || this.refusedForGood(client),
        BOUND,
        "client open",
      );
      if (!roundTrip || this.refusedForGood(client)) return;
      const answered = await client.stats({ timeout: BOUND }).then(
        () => true,
        (error: unknown) => {
          // Lost with the socket that was dropped: try on the next session.
          if (error instanceof DispatchError && error.retryable) return false;
          throw error;
        },
      );
      if (answered && client === this.client) return;
    }
    throw new Error("no request went through in 5 sessions");
  }
}
