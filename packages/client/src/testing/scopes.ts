/**
 * Accepted tokens: a list (each may do anything), or each token with the
 * scopes it holds (`job:read`, `job:write`, `subscribe`, `*`, …).
 */
export type MockTokens = readonly string[] | Readonly<Record<string, readonly string[]>>;

/** Token → scopes; `undefined` when every token is accepted with every scope. */
export type TokenScopes = ReadonlyMap<string, readonly string[]> | undefined;

export function tokenScopes(tokens: MockTokens | undefined): TokenScopes {
  if (tokens === undefined) return undefined;
  if (Array.isArray(tokens)) return new Map(tokens.map((token: string) => [token, ["*"]]));
  return new Map(Object.entries(tokens as Readonly<Record<string, readonly string[]>>));
}

const READS = new Set(["job.get", "job.list", "workflow.get", "workflow.timeline", "dlq.list"]);
const AREAS = new Set(["job", "workflow", "dlq"]);

/** The scope the server requires for `method`: `admin` for any it does not know. */
function requiredScope(method: string): string {
  if (method === "subscribe" || method === "unsubscribe") return "subscribe";
  if (method === "stats") return "stats:read";
  if (method === "cron.list") return "cron:read";
  const dot = method.indexOf(".");
  const area = dot > 0 ? method.slice(0, dot) : "";
  if (!AREAS.has(area)) return "admin";
  return `${area}:${READS.has(method) ? "read" : "write"}`;
}

/** Whether a token with `scopes` may call `method` (`undefined`: every scope). */
export function mayCall(scopes: readonly string[] | undefined, method: string): boolean {
  if (scopes === undefined || method === "auth") return true;
  const needed = requiredScope(method);
  return scopes.some((scope) => scope === "*" || scope === needed);
}
