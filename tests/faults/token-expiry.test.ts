/**
 * Token expiry: the server revokes the token a session authenticated with,
 * the token provider starts returning a new one, and the client recovers on
 * its own. The dev server reads its `tokens` table on every auth (auth.ts
 * looks entries up with `Object.hasOwn` on the object it was given), so
 * mutating the table revokes a token for the next connection; existing
 * sessions keep their identity, so the test then drops the connections, as a
 * Go server restart (or a load balancer) would.
 */
import { AuthError, type GapEvent } from "@dispatch/client";
import type { TokenTable } from "@dispatch/dev-server";
import { describe, expect, it } from "vitest";
import { clientOf, startServer, stateReaches } from "./helpers.js";

const OLD = "dk_test_expiring";
const NEW = "dk_test_rotated";

async function setup() {
  const tokens: TokenTable = { [OLD]: { scopes: ["*"] } };
  const server = await startServer({ tokens, jobs: { noop: async () => {} } });
  const asked: string[] = [];
  let current = OLD;
  /** What the provider returns next; `undefined` = the current token. */
  const script: string[] = [];
  const client = clientOf(server, {
    token: async () => {
      const token = script.shift() ?? current;
      asked.push(token);
      return token;
    },
  });
  const revoke = (rotateTo: string | undefined) => {
    delete tokens[OLD];
    if (rotateTo !== undefined) {
      tokens[rotateTo] = { scopes: ["*"] };
      current = rotateTo;
    }
  };
  return { server, client, asked, revoke, script };
}

describe("token expiry", () => {
  it("reconnects with the provider's new token after the old one is revoked, without user code", async () => {
    const { server, client, asked, revoke } = await setup();
    const sub = client.subscribe("jobs");
    await sub.ready;
    const gaps: GapEvent[] = [];
    client.onGap((gap) => gaps.push(gap));
    revoke(NEW);
    server.dropConnections();
    await stateReaches(client, "reconnecting");
    await stateReaches(client, "open");
    expect(asked).toEqual([OLD, NEW]);
    expect(gaps).toEqual([{ channels: ["jobs"], reason: "reconnect" }]);
    const { job_id } = await client.enqueue("noop", {});
    for await (const event of sub) if (event.type === "job.enqueued" && event.data.job_id === job_id) break;
  });

  it("on a 401 asks the provider once more, and reconnects when it returns a different token", async () => {
    const { server, client, asked, revoke, script } = await setup();
    await client.connect();
    // The provider's cache still holds the revoked token at the next connect.
    script.push(OLD);
    revoke(NEW);
    server.dropConnections();
    await stateReaches(client, "reconnecting");
    await stateReaches(client, "open");
    expect(asked).toEqual([OLD, OLD, NEW, NEW]);
    // The new session serves requests.
    await expect(client.stats()).resolves.toMatchObject({ broker: { topic_count: expect.any(Number) } });
  });

  it("stops with AuthError when the provider returns the refused token again (no retry storm)", async () => {
    const { server, client, asked, revoke } = await setup();
    await client.connect();
    revoke(undefined);
    server.dropConnections();
    await stateReaches(client, "closed");
    expect(client.status.error).toBeInstanceOf(AuthError);
    // Connect, reconnect, and the single re-ask after the 401.
    expect(asked).toEqual([OLD, OLD, OLD]);
    await expect(client.stats()).rejects.toThrow(/closed|refused|authentication/i);
  });
});
