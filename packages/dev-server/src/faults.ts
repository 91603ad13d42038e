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

export interface Faults {
  restart(options: { downMs: number }): Promise<void>;
  dropConnections(): void;
  silence(): void;
}

export function createFaults({ transport, host, port }: FaultOptions): Faults {
  return {
    async restart({ downMs }) {
      // The engine and its jobs keep running: only the network goes away.
      const closed = transport.closeListener();
      transport.destroyAll();
      await closed;
      await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, downMs)));
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
