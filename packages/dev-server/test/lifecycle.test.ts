// Starting and stopping, as the README promises: a taken port rejects and
// leaves nothing behind; the CLI stops cleanly on SIGTERM; restart() ends
// event streams too.
import { spawn } from "node:child_process";
import { createServer, request } from "node:http";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createDevServer } from "../src/index.js";
import { startServer, TOKEN } from "./helpers.js";

describe("server lifecycle", () => {
  it("rejects a taken port with EADDRINUSE and leaves nothing listening", async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await expect(createDevServer({ port, host: "127.0.0.1" })).rejects.toMatchObject({ code: "EADDRINUSE" });
    await new Promise((done) => blocker.close(done));
    // The failed attempt holds nothing: the port is free for the next one.
    const server = await createDevServer({ port, host: "127.0.0.1" });
    expect(server.port).toBe(port);
    await server.close();
  });

  it("the CLI prints its URL and exits 0 on SIGTERM", async () => {
    const cli = spawn(
      process.execPath,
      [
        "--conditions=@dispatch/source",
        "--import",
        "tsx",
        resolve(import.meta.dirname, "../src/cli.ts"),
        "--port",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((done) => cli.on("exit", (code) => done(code)));
    let out = "";
    await new Promise<void>((listening, failed) => {
      cli.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("listening on ws://127.0.0.1:")) listening();
      });
      exited.then(() => failed(new Error(`the CLI exited before listening: ${out}`)));
    });
    cli.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);

  it("restart() ends open event streams, as it drops sockets", async () => {
    const server = await startServer({ tokens: { [TOKEN]: { scopes: ["*"] } } });
    // Wrapped: a promise resolved with a promise would wait for it.
    const { ended } = await new Promise<{ ended: Promise<void> }>((opened, failed) => {
      const req = request(`${server.httpUrl}/dwp/sse?token=${TOKEN}&channel=jobs`, (res) => {
        const closed = new Promise<void>((done) => res.on("close", () => done()));
        res.once("data", () => opened({ ended: closed }));
      });
      req.on("error", () => {}); // the restart resets the connection
      req.on("response", (res) => res.on("error", () => {}));
      req.end();
      req.on("timeout", () => failed(new Error("no stream")));
    });
    let up!: () => void;
    const restarting = server.restart({ until: new Promise<void>((done) => (up = done)) });
    await ended;
    up();
    await restarting;
  });
});
