/**
 * Token authentication, as dwp.APIKeyAuthenticator (a static table) or, when
 * no table is given, dwp.NoopAuthenticator (every token, even an empty one,
 * gets scope `*`).
 */

export interface TokenIdentity {
  scopes: string[];
  appId?: string;
  orgId?: string;
}

export type TokenTable = Record<string, TokenIdentity>;

export interface Identity {
  subject: string;
  scopes: readonly string[];
  appId: string;
  orgId: string;
}

export type Authenticator = (token: string) => Identity | undefined;

export function createAuthenticator(tokens: TokenTable | undefined): Authenticator {
  if (tokens === undefined) {
    return () => ({ subject: "anonymous", scopes: ["*"], appId: "", orgId: "" });
  }
  return (token) => {
    const entry = Object.hasOwn(tokens, token) ? tokens[token] : undefined;
    if (entry === undefined) return undefined;
    return { subject: token, scopes: entry.scopes, appId: entry.appId ?? "", orgId: entry.orgId ?? "" };
  };
}

/** Identity.HasScope: `*` grants everything. */
export function hasScope(identity: Identity, scope: string): boolean {
  return identity.scopes.some((s) => s === "*" || s === scope);
}

/** dwp.RequiredScope: "" for auth, `admin` for anything unknown. */
export function requiredScope(method: string): string {
  if (method === "auth") return "";
  if (method.startsWith("job."))
    return method === "job.get" || method === "job.list" ? "job:read" : "job:write";
  if (method.startsWith("workflow.")) {
    return method === "workflow.get" || method === "workflow.timeline" ? "workflow:read" : "workflow:write";
  }
  if (method === "subscribe" || method === "unsubscribe") return "subscribe";
  if (method === "cron.list") return "cron:read";
  if (method.startsWith("dlq.")) return method === "dlq.list" ? "dlq:read" : "dlq:write";
  if (method === "stats") return "stats:read";
  return "admin";
}
