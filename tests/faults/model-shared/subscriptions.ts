/** Subscribing and unsubscribing as both models do it: the subscription read as its mode says. */
import type { StreamEvent } from "@dispatch/client";
import type { ClientRecBase, SubRecBase } from "./records.js";
import type { RunBase } from "./run-base.js";

/** What subscribing needs of a run. */
type SubHost<S extends SubRecBase> = Pick<
  RunBase<ClientRecBase<S>, S>,
  "signal" | "fail" | "markEnded" | "track"
>;

/**
 * Subscribes `rec` on its client with `take` as listener (unless iterator
 * only) and reads the iterator (unless listener only) by hand, for at most
 * `limit` events; `yieldedWhat` names an event yielded after `done`.
 */
export function openSub<S extends SubRecBase>(
  run: SubHost<S>,
  c: ClientRecBase<S>,
  rec: S,
  handlers: {
    take: (event: StreamEvent) => void;
    onLive: (live: boolean) => void;
    limit: number;
    yieldedWhat: (event: StreamEvent) => string;
  },
): void {
  const { take, onLive, limit, yieldedWhat } = handlers;
  const { id, channel, mode } = rec;
  const onEnd = (error: unknown) => {
    rec.onEnd.push(error);
    run.signal.poke();
  };
  rec.sub = c.client.subscribe(
    channel,
    mode === "iterator" ? { onLive, onEnd } : { listener: take, onLive, onEnd },
  );
  rec.sub.ready.then(
    () => (rec.confirmed = true),
    () => {},
  );
  c.subs.push(rec);
  if (mode === "listener") return;
  void (async () => {
    try {
      // By hand rather than for-await, to ask once more after `done`: it must stay done.
      const it = rec.sub[Symbol.asyncIterator]();
      for (let n = 0; n < limit; n++) {
        const r = await it.next();
        if (r.done) break;
        if (mode === "iterator") take(r.value);
        else rec.yielded.push(r.value);
      }
      const again = await it.next();
      if (!again.done)
        run.fail(`sub ${id} (${channel}, ${mode}): next() after done yielded ${yieldedWhat(again.value)}`);
    } catch (err) {
      rec.iterError = err;
    } finally {
      rec.iterDone = true;
      run.signal.poke();
    }
  })();
}

export function unsubscribe<S extends SubRecBase>(run: SubHost<S>, i: number, c: ClientRecBase<S>): void {
  const subs = c.subs;
  if (subs.length === 0) return;
  const s = subs[i % subs.length] as S;
  run.markEnded(s);
  run.track(`unsubscribe ${s.id}`, s.sub.unsubscribe());
}
