// @vitest-environment happy-dom
import { wireStats } from "@dispatch/client/testing";
import { act, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { mockDispatchForFile, reached } from "../../test/mock-dispatch";
import { StatsPanel } from "./stats-panel";

const { mock, renderLive } = mockDispatchForFile();

it("labels the figures as last known while the connection is down, and polls again once it is back", async () => {
  mock.handle("stats", () =>
    wireStats({ broker: { topic_count: 3, subscriber_count: 1, total_published: 1234, total_dropped: 0 } }),
  );
  // Slow enough to look at the page between the drop and the reconnection.
  const { client } = renderLive(<StatsPanel />, { minReconnectDelay: 200, maxReconnectDelay: 200 });
  await screen.findByText("1,234");
  expect(screen.getByText("every 2 s")).toBeDefined();

  const reconnecting = reached(client, "reconnecting");
  mock.drop();
  await act(() => reconnecting);
  // The figures stay, but not as if they were being refreshed every 2 s.
  expect(screen.getByText("not connected: last known")).toBeDefined();
  expect(screen.getByText("1,234")).toBeDefined();

  const polled = mock.nextFrame((frame) => frame.method === "stats");
  await act(() => reached(client, "open"));
  expect(await screen.findByText("every 2 s")).toBeDefined();
  await act(() => polled);
});
