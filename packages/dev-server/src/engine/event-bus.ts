/**
 * The `workflow.event` store: published events wait, unacknowledged, until a
 * workflow's `waitForEvent` consumes (acks) them, as Go's event store does.
 */

import { clockNanos } from "./go-time.js";
import { setLongTimeout } from "./long-timer.js";
import { newTypeId } from "./type-id.js";
import type { Scope } from "./types.js";

/** An `event.Event` as the Go store keeps it. */
export interface StoredEvent {
  id: string;
  name: string;
  payload: Uint8Array | undefined;
  scopeAppId: string;
  scopeOrgId: string;
  acked: boolean;
  /** A `clockNanos` reading: event.Bus.Publish stamps time.Now().UTC(). */
  createdAt: bigint;
}

interface Waiter {
  name: string;
  resolve(event: StoredEvent): void;
}

/** Unacked events plus the workflows waiting on them. */
export class EventBus {
  private readonly events: StoredEvent[] = [];
  private readonly waiters: Waiter[] = [];

  /** Stores an unacked event and hands it to the longest waiting workflow, if any. */
  publish(name: string, payload: Uint8Array | undefined, scope: Scope | undefined): StoredEvent {
    const event: StoredEvent = {
      id: newTypeId("evt"),
      name,
      payload,
      scopeAppId: scope?.appId ?? "",
      scopeOrgId: scope?.orgId ?? "",
      acked: false,
      createdAt: clockNanos(),
    };
    this.events.push(event);
    const index = this.waiters.findIndex((w) => w.name === name);
    if (index !== -1) {
      const [waiter] = this.waiters.splice(index, 1);
      event.acked = true;
      waiter?.resolve(event);
    }
    return event;
  }

  /**
   * Resolves with the oldest unacked event named `name` (acking it), waiting
   * up to `timeoutMs` for one to be published; `null` on timeout. Go polls
   * every 10 ms; a publish notifies the waiter directly instead.
   */
  waitFor(name: string, timeoutMs: number, signal: AbortSignal): Promise<StoredEvent | null> {
    if (signal.aborted) return Promise.reject(new Error("context canceled"));
    // Go compares the deadline before its first look, so a timeout <= 0
    // misses even an event that is already there.
    if (timeoutMs <= 0) return Promise.resolve(null);
    const ready = this.events.find((e) => e.name === name && !e.acked);
    if (ready !== undefined) {
      ready.acked = true;
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        cancel();
        signal.removeEventListener("abort", onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        name,
        resolve: (event) => {
          settle();
          resolve(event);
        },
      };
      const onAbort = (): void => {
        settle();
        reject(new Error("context canceled"));
      };
      const cancel = setLongTimeout(() => {
        settle();
        resolve(null);
      }, timeoutMs);
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Number of stored events (acked or not). */
  get size(): number {
    return this.events.length;
  }
}
