/**
 * Token authentication, as dwp.APIKeyAuthenticator (a static table) or, when
 * no table is given, dwp.NoopAuthenticator (every token, even an empty one,
 * gets scope `*`).
 */

/**
 * What one token grants: its scopes (`*` for everything) and, optionally, the
 * tenant recorded on the jobs, runs and events created with it.
 */
export interface TokenIdentity {
  scopes: string[];
  appId?: string;
  orgId?: string;
}

/** Accepted tokens, each mapped to what it grants; an unlisted token is refused. */
export type TokenTable = Record<string, TokenIdentity>;

/**
 * Who a connection or request authenticated as. `subject` is the token itself
 * (`anonymous` when no table is given); `appId` and `orgId` are `""` when the
 * token has no tenant.
 */
export interface Identity {
  subject: string;
  scopes: readonly string[];
  appId: string;
  orgId: string;
}

/** Resolves a token to its identity, or `undefined` to refuse it (401). */
export type Authenticator = (token: string) => Identity | undefined;

/**
 * Builds the authenticator for a token table; `undefined` accepts every token
 * with scope `*`, as the Go NoopAuthenticator does.
 *
 * @example
 * ```ts
 * const authenticate = createAuthenticator({ dk_test_local: { scopes: ["job:read"] } });
 * authenticate("dk_test_local")?.scopes; // ["job:read"]
 * authenticate("dk_other"); // undefined
 * ```
 */
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

/**
 * Identity.HasScope: `*` grants everything.
 *
 * @example
 * ```ts
 * hasScope({ subject: "t", scopes: ["*"], appId: "", orgId: "" }, "job:write"); // true
 * ```
 */
export function hasScope(identity: Identity, scope: string): boolean {
  return identity.scopes.some((s) => s === "*" || s === scope);
}

/**
 * dwp.RequiredScope: "" for auth, `admin` for every unknown method.
 *
 * @example
 * ```ts
 * requiredScope("job.get"); // "job:read"
 * requiredScope("dlq.retry"); // "dlq:write"
 * ```
 */
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
