import { setupServer } from "msw/node";
import { expect, it } from "vitest";
import { createMockDispatch } from "../src/testing/index.js";

it("refuses to listen beside another msw server, and says to join it with mock.handlers", () => {
  // Two msw servers share one interceptor: each socket would reach both, or neither.
  const app = setupServer();
  app.listen();
  try {
    const mock = createMockDispatch({ url: "ws://127.0.0.1:7793/dwp" });
    expect(() => mock.listen()).toThrow(/add mock\.handlers to that setupServer/);
    mock.close();
  } finally {
    app.close();
  }
  // Once the other server is gone, listening works.
  const mock = createMockDispatch({ url: "ws://127.0.0.1:7793/dwp" });
  expect(() => mock.listen()).not.toThrow();
  mock.close();
});
