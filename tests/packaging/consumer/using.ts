// `using` / `await using` (TypeScript 5.2+), as the READMEs show.
import { Dispatch } from "@dispatch/client";
import { createDevServer } from "@dispatch/dev-server";

export async function scoped(): Promise<void> {
  await using server = await createDevServer({ tokens: { dk_test_local: { scopes: ["*"] } } });
  {
    using client = new Dispatch({ url: server.url, token: "dk_test_local", format: "msgpack" });
    await client.stats();
  }
  await using client = new Dispatch({ url: server.url, token: "dk_test_local" });
  await client.connect();
}
