/**
 * Where `npm start` (scripts/start.ts) takes its two ports from, and what it
 * says when one is taken: the variable that moves it, which an error from
 * Vite or Node could not name.
 */
import { PortInUseError } from "./serve.js";

/** The environment variable that sets each server's port. */
export const PORT_VARIABLES = { dashboard: "PORT", "dev server": "DISPATCH_DEV_PORT" } as const;

/** `env[name]` as a port; `fallback` when unset or empty. */
export function portFrom(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid ${name}: ${raw}`);
  return port;
}

/** The one line `npm start` prints when the demo did not start. */
export function startFailure(err: unknown): string {
  if (!(err instanceof PortInUseError)) return err instanceof Error ? err.message : String(err);
  const variable = PORT_VARIABLES[err.server];
  const other = err.server === "dashboard" ? "dev server" : "dashboard";
  return (
    `Port ${err.port} (${err.server}) is already in use: set ${variable} to another port, or to 0 for ` +
    `any free one (${variable}=0 npm start). ${PORT_VARIABLES[other]} sets the ${other}'s.`
  );
}
