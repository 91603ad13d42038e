import type { Dispatch } from "@dispatch/client";
import { wireJob } from "@dispatch/client/testing";
import { QueryClient } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DispatchProvider, useDispatch, useJob } from "../src/index.js";
import { mockServerForFile } from "./setup-client.js";

const URL = "ws://127.0.0.1:7781/dwp";
// Only this token is accepted: any other is refused with 401.
const mock = mockServerForFile({ url: URL, tokens: ["dk_test_renewed"] });
const ID = "job_01h455vb4pex5vsknk084sn02q";

const clients: Dispatch[] = [];
function Probe() {
  const client = useDispatch();
  if (!clients.includes(client)) clients.push(client);
  const { data, error } = useJob(ID);
  return <p>{error ? `error: ${error.name}` : (data?.state ?? "loading")}</p>;
}

const app = (queryClient: QueryClient, token: string | (() => string)) => (
  <DispatchProvider url={URL} token={token} queryClient={queryClient} options={{ heartbeatInterval: 0 }}>
    <Probe />
  </DispatchProvider>
);

describe("DispatchProvider after the server refused its token", () => {
  it("starts a new client for a new token string, and reads again through it", async () => {
    mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
    clients.length = 0;
    const queryClient = new QueryClient();
    const { rerender } = render(app(queryClient, "dk_test_expired"));
    await screen.findByText("error: AuthError");
    const first = clients[0];
    await waitFor(() => expect(first?.state).toBe("closed"));
    // The same token again (any re-render) is no reason to knock again.
    rerender(app(queryClient, "dk_test_expired"));
    expect(clients).toHaveLength(1);

    rerender(app(queryClient, "dk_test_renewed"));
    await screen.findByText("running");
    expect(clients).toHaveLength(2);
    expect(clients[1]?.state).toBe("open");
    expect(mock.sent("auth").map((f) => f.data?.token)).toEqual(["dk_test_expired", "dk_test_renewed"]);
  });

  it("leaves a refused function token closed: a new closure on each render is not a new token", async () => {
    clients.length = 0;
    const queryClient = new QueryClient();
    const { rerender } = render(app(queryClient, () => "dk_test_expired"));
    await screen.findByText("error: AuthError");
    await waitFor(() => expect(clients[0]?.state).toBe("closed"));
    const knocks = mock.sent("auth").length;
    rerender(app(queryClient, () => "dk_test_expired"));
    await screen.findByText("error: AuthError");
    expect(clients).toHaveLength(1);
    expect(mock.sent("auth")).toHaveLength(knocks);
  });

  it("starts a new client when a refused token string gives way to a token function", async () => {
    mock.handle("job.get", () => wireJob({ id: ID, state: "running" }));
    clients.length = 0;
    const queryClient = new QueryClient();
    const { rerender } = render(app(queryClient, "dk_test_expired"));
    await screen.findByText("error: AuthError");
    await waitFor(() => expect(clients[0]?.state).toBe("closed"));

    rerender(app(queryClient, () => "dk_test_renewed"));
    await screen.findByText("running");
    expect(clients).toHaveLength(2);
    rerender(app(queryClient, () => "dk_test_renewed"));
    expect(clients).toHaveLength(2);
  });
});
