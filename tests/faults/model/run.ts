/**
 * One run of the model: the dev server, the clients, and what the model
 * records of them. Commands are carried out by run-exec.ts (with
 * run-subscriptions.ts and run-requests.ts) and the final checks are in
 * run-checks.ts; what is checked as it happens (a subscription live while
 * the client is not open, a reconnect gap in a first session) is here.
 */
import { Dispatch } from "@dispatch/client";
import { WebSocket } from "../helpers.js";
import { RunBase } from "../model-shared/run-base.js";
import { BOUND } from "../model-shared/waits.js";
import type { Abortable, ClientRec, SubRec } from "./records.js";
import { stats } from "./stats.js";

export class Run extends RunBase<ClientRec, SubRec> {
  readonly controllers: Abortable[] = [];
  /** Requests that were still pending when their signal was aborted: each must reject with AbortError. */
  readonly abortedPending: Array<{ label: string; promise: Promise<unknown> }> = [];
  /** Frozen sockets are never closed, so their server sessions keep their topics. */
  silenced = false;

  async start(msgpack: boolean): Promise<void> {
    await this.startServer((event) => {
      this.published.push(event);
      this.signal.poke();
    });
    this.fresh(msgpack);
  }

  get current(): ClientRec {
    return this.clients[this.clients.length - 1] as ClientRec;
  }

  /** A new client; the others close, or (`keep`) stay, at most two at once. */
  fresh(msgpack = false, keep = false): void {
    const alive = this.alive;
    for (const [i, c] of alive.entries()) if (!keep || i < alive.length - 1) this.closeClient(c);
    const client = new Dispatch({
      url: this.server.url,
      token: "dk_test_model",
      WebSocket,
      minReconnectDelay: 5,
      maxReconnectDelay: 40,
      // Finds a silenced socket after about two intervals (or once the requests in flight on it time out).
      heartbeatInterval: 100,
      timeout: 1_000,
      format: msgpack ? "msgpack" : "json",
    });
    const rec: ClientRec = {
      n: this.clients.length,
      client,
      closed: false,
      subs: [],
      awaitingGap: new Set(),
      gaps: [],
      dropInFlight: false,
    };
    let wasOpen = false;
    let opens = 0;
    client.onStateChange((state) => {
      if (state === "open" && !wasOpen) opens++;
      if (state !== "open" && state !== "closed") {
        for (const s of rec.subs)
          if (s.sub.live) this.fail(`client ${rec.n}: sub ${s.id} (${s.channel}) live while state ${state}`);
      }
      if (wasOpen && state !== "open" && !rec.closed) {
        // The session dropped: whatever is subscribed now may miss events.
        for (const s of rec.subs) if (!s.ended) rec.awaitingGap.add(s);
      }
      wasOpen = state === "open";
      if (state !== "open") rec.dropInFlight = false;
      this.signal.poke();
    });
    client.onGap((gap) => {
      rec.gaps.push(gap);
      if (gap.reason !== "reconnect") return;
      if (client.state !== "open") this.fail(`client ${rec.n}: reconnect gap while ${client.state}`);
      if (opens < 2) this.fail(`client ${rec.n}: reconnect gap in its first session`);
      for (const s of [...rec.awaitingGap]) {
        if (!gap.channels.includes(s.channel)) continue;
        rec.awaitingGap.delete(s);
        stats.gapsNamed++;
      }
      this.signal.poke();
    });
    this.clients.push(rec);
  }

  /** Every open client learns of a drop a moment later: until then it rightly still says open. */
  dropping(): void {
    for (const c of this.alive) {
      if (c.client.state !== "open") continue;
      c.dropInFlight = true;
      stats.drops++;
    }
  }

  /** Every open client open, and each of its subscriptions confirmed on this session. */
  async settle(): Promise<void> {
    const alive = this.alive;
    await this.signal.until(() => alive.every((c) => !c.dropInFlight), BOUND, "the drop noticed");
    for (const c of alive) c.client.connect({ timeout: BOUND }).catch(() => {});
    await this.untilSettled(() => alive, "every client open and its subscriptions live");
  }
}
