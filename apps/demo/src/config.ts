import type { Format } from "@dispatch/client";

/** The token `npm start` gives its dev server. */
export const DEV_TOKEN = "dk_test_local";

export interface DemoConfig {
  /** The DWP WebSocket URL. */
  url: string;
  token: string;
  /** The URL was derived from the page's own origin (the Vite proxy). */
  sameOrigin: boolean;
}

interface Env {
  VITE_DISPATCH_URL?: string | undefined;
  VITE_DISPATCH_TOKEN?: string | undefined;
}

/**
 * Where to connect: `VITE_DISPATCH_URL` / `VITE_DISPATCH_TOKEN`, else the
 * page's own origin at `/dwp` (proxied to the dev server) with the dev token.
 */
export function demoConfig(env: Env, location: Pick<Location, "protocol" | "host">): DemoConfig {
  const configured = env.VITE_DISPATCH_URL?.trim();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return {
    url: configured || `${scheme}://${location.host}/dwp`,
    token: env.VITE_DISPATCH_TOKEN?.trim() || DEV_TOKEN,
    sameOrigin: !configured,
  };
}

/** `?format=msgpack` starts in msgpack; anything else in JSON. */
export function initialFormat(search: string): Format {
  return new URLSearchParams(search).get("format") === "msgpack" ? "msgpack" : "json";
}

/**
 * `search` with the format recorded, so a reload (or a shared link) opens in
 * the format last chosen. JSON, the default, leaves no parameter.
 */
export function searchWithFormat(search: string, format: Format): string {
  const params = new URLSearchParams(search);
  if (format === "msgpack") params.set("format", "msgpack");
  else params.delete("format");
  const query = params.toString();
  return query === "" ? "" : `?${query}`;
}
