import { Dispatch } from "@dispatch/client";
import { createMockDispatch, MockError, wireJob } from "@dispatch/client/testing";
import { QueryClient } from "@tanstack/react-query";
import { cleanup, render, renderHook, screen, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { DispatchProvider, useJob } from "../src/index.js";
import { held, setup } from "./setup-client.js";

const URL = "ws://127.0.0.1:7795/dwp";
const mock = createMockDispatch({ url: URL });
const ID = "job_01h455vb4pex5vsknk084sn02q";
let env: ReturnType<typeof setup> | undefined;
beforeAll(() => mock.listen());
afterEach(() => {
  cleanup();
  env?.dispose();
  env = undefined;
  mock.reset();
});
afterAll(() => mock.close());

function JobView() {
  const { data } = useJob(ID);
  return <p>{data?.state ?? "none"}</p>;
}

it("a mounted useJob subscribes again on the next session after a refused re-subscribe", async () => {
  env = setup({ url: URL });
  let state: "running" | "completed" = "running";
  mock.handle("job.get", () => wireJob({ id: ID, state }));
  const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
  await waitFor(() => expect(result.current.isLive).toBe(true));
  mock.handle("subscribe", () => new MockError(500, "internal error"));
  mock.drop();
  await waitFor(() => expect(mock.sent("subscribe", `job:${ID}`)).toHaveLength(2));
  await waitFor(() => expect(result.current.isLive).toBe(false));
  // The server recovers; the job ended meanwhile.
  mock.handle("subscribe", () => undefined);
  state = "completed";
  mock.drop();
  // A new session: the view subscribes again and re-reads what it missed.
  await waitFor(() => expect(mock.sent("subscribe", `job:${ID}`)).toHaveLength(3));
  await waitFor(() => expect(result.current.data?.state).toBe("completed"));
});

it("leaves no listeners on a long-lived client once its views are gone", async () => {
  mock.handle("job.get", () => wireJob({ id: ID, state: "completed" }));
  const client = new Dispatch({ url: URL, token: "dk_test_a", heartbeatInterval: 0 });
  let listening = 0;
  for (const method of ["onStateChange", "onGap"] as const) {
    const original = client[method].bind(client) as (listener: never) => () => void;
    Object.assign(client, {
      [method]: (listener: never) => {
        listening++;
        const off = original(listener);
        return () => {
          listening--;
          off();
        };
      },
    });
  }
  try {
    for (let session = 0; session < 3; session++) {
      const { unmount } = render(
        <DispatchProvider client={client} queryClient={new QueryClient()}>
          <JobView />
        </DispatchProvider>,
      );
      await screen.findByText("completed");
      unmount();
    }
    // Each registry lets go once its last subscription's linger is over.
    await waitFor(() => expect(listening).toBe(0), { timeout: 4000 });
  } finally {
    client.close();
  }
});

it("isLive stays false after a reconnect until the server confirms the re-subscribe", async () => {
  env = setup({ url: URL });
  mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
  const { result } = renderHook(() => useJob(ID), { wrapper: env.wrapper });
  await waitFor(() => expect(result.current.isLive).toBe(true));
  const gate = held<undefined>();
  mock.handle("subscribe", () => gate.promise);
  mock.drop();
  await waitFor(() => expect(mock.sent("subscribe", `job:${ID}`)).toHaveLength(2));
  await waitFor(() => expect(env?.client.state).toBe("open"));
  // The socket is open, but the server is not yet delivering this channel.
  expect(result.current.isLive).toBe(false);
  gate.release(undefined);
  await waitFor(() => expect(result.current.isLive).toBe(true));
});

it("isLive does not flicker true between a drop and a refused re-subscribe", async () => {
  env = setup({ url: URL });
  mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
  const seen: boolean[] = [];
  const { result } = renderHook(
    () => {
      const job = useJob(ID);
      seen.push(job.isLive);
      return job;
    },
    { wrapper: env.wrapper },
  );
  await waitFor(() => expect(result.current.isLive).toBe(true));
  mock.handle("subscribe", () => new MockError(403, "insufficient permissions"));
  const refused = mock.nextFrame((f) => f.method === "subscribe");
  const mark = seen.length;
  mock.drop();
  await refused;
  await waitFor(() => expect(result.current.isLive).toBe(false));
  const after = seen.slice(mark);
  expect(after.slice(after.indexOf(false))).not.toContain(true);
});
