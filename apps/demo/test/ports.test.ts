/**
 * `npm start` with a port already taken: what it prints must name the
 * variable that moves that port. Real listeners on 127.0.0.1.
 */
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portFrom, startFailure } from "../scripts/ports.js";
import { startDemo } from "../scripts/serve.js";

let taken: Server;
let busyPort: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  busyPort = (taken.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

const failureOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => expect.fail("the demo started on a taken port"),
    (err: unknown) => startFailure(err),
  );

describe("npm start on a taken port", () => {
  it("names PORT when the dashboard's port is taken", async () => {
    const message = await failureOf(
      startDemo({
        port: busyPort,
        devServerPort: 0,
        logLevel: "silent",
        cacheDir: "node_modules/.vite-ports",
      }),
    );
    expect(message).toContain(`Port ${busyPort} (dashboard) is already in use: set PORT to another port`);
    expect(message).toContain("DISPATCH_DEV_PORT sets the dev server's");
  });

  it("names DISPATCH_DEV_PORT when the dev server's port is taken", async () => {
    const message = await failureOf(startDemo({ port: 0, devServerPort: busyPort, logLevel: "silent" }));
    expect(message).toContain(
      `Port ${busyPort} (dev server) is already in use: set DISPATCH_DEV_PORT to another port`,
    );
    expect(message).toContain("PORT sets the dashboard's");
  });
});

describe("portFrom", () => {
  it("reads the variable, falls back when unset or empty, and refuses what is not a port", () => {
    expect(portFrom({ PORT: "5174" }, "PORT", 5173)).toBe(5174);
    expect(portFrom({ PORT: "" }, "PORT", 5173)).toBe(5173);
    expect(portFrom({}, "PORT", 5173)).toBe(5173);
    expect(() => portFrom({ PORT: "70000" }, "PORT", 5173)).toThrow("invalid PORT: 70000");
  });
});
