/** The `--port` value: digits only, 0 (any free port) to 65535. `Number("")` would be 0, silently. */
export function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`invalid --port: "${value}" (expected 0 to 65535)`);
  return port;
}

/**
 * The host to put in the URLs a server prints: a wildcard address listens on
 * every interface but is no address to connect to (and the client refuses
 * plain `ws:` to anything but loopback), so it is named by loopback.
 */
export function connectableHost(host: string): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return reachable.includes(":") ? `[${reachable}]` : reachable;
}
