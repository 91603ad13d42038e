/**
 * Fault hooks for client tests: a server restart on the same port, a mass
 * disconnect, and a half-dead server that keeps sockets open but goes quiet.
 */
import type { Transport } from "./server.js";

export interface FaultOptions {
  transport: Transport;
  host: string;
  port: () => number;
}

/**
 * How long a restarted server stays down: `downMs` milliseconds, or `until`
 * a promise settles (a test that checks "refused while down" without racing
 * a timer).
 */
export type RestartOptions = { downMs: number } | { until: PromiseLike<unknown> };

export interface Faults {
  restart(options: RestartOptions): Promise<void>;
  dropConnections(): void;
  silence(): void;
}

export function createFaults({ transport, host, port }: FaultOptions): Faults {
  return {
    async restart(options) {
      // The engine and its jobs keep running: only the network goes away.
      const closed = transport.closeListener();
      transport.destroyAll();
      await closed;
      if ("until" in options) {
        await Promise.resolve(options.until).then(undefined, () => {});
      } else {
        await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, options.downMs)));
      }
      await transport.listen(port(), host);
    },
    dropConnections() {
      transport.destroyAll();
    },
    silence() {
      transport.silenceAll();
    },
  };
}
