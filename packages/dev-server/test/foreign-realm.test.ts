// DOM test environments (jsdom) install their window's own typed-array
// constructors as globals, while Node's Buffer and ws hand over bytes made in
// Node's realm: `bytes instanceof Uint8Array` is false there. Users run the
// dev server inside such environments to test their components.
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { goMarshal } from "../src/codecs/go-json-encode.js";
import type { DevServer } from "../src/index.js";
import { Client, startServer, TOKEN } from "./helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startServer({
    tokens: { [TOKEN]: { scopes: ["*"] } },
    jobs: { quick: () => {} },
  });
});
afterEach(() => vi.unstubAllGlobals());
afterAll(() => server.close());

describe("with another realm's Uint8Array as the global (as under jsdom)", () => {
  for (const format of ["json", "msgpack"] as const) {
    it(`reads the token and request data from frames (${format})`, async () => {
      vi.stubGlobal("Uint8Array", runInNewContext("Uint8Array"));
      expect(Buffer.from("x") instanceof Uint8Array).toBe(false);
      const client = await Client.authed(server, format);
      const resp = await client.request("job.enqueue", { name: "quick", payload: { n: 1 } });
      expect(resp).toMatchObject({ type: "response", data: { state: "pending" } });
      const job = await client.request("job.get", { job_id: (resp.data as { job_id: string }).job_id });
      expect(job).toMatchObject({ type: "response", data: { payload: "eyJuIjoxfQ==" } });
      client.close();
    });
  }

  it("marshals bytes made in another realm as Go's base64 []byte", () => {
    const bytes: unknown = runInNewContext("new Uint8Array([104, 105])");
    expect(bytes instanceof Uint8Array).toBe(false);
    expect(goMarshal({ data: bytes })).toBe('{"data":"aGk="}');
  });
});
