// @vitest-environment happy-dom
import { jobEvent } from "@dispatch/client/testing";
import { dispatchKeys, type EventLog } from "@dispatch/react";
import { defaultScheduler, notifyManager, type QueryClient } from "@tanstack/react-query";
import { act, screen } from "@testing-library/react";
import { afterEach, expect, it, vi } from "vitest";
import { mockDispatchForFile } from "../../test/mock-dispatch";
import { EventStream } from "./event-stream";
import { EventsChart } from "./events-chart";

const { mock, renderLive } = mockDispatchForFile();

afterEach(() => {
  notifyManager.setScheduler(defaultScheduler);
  vi.useRealTimers();
});

const FIREHOSE = dispatchKeys.channel("firehose");
const received = (queryClient: QueryClient): number =>
  queryClient.getQueryData<EventLog>(FIREHOSE)?.received ?? 0;

/** Resolves once the firehose buffer has counted `count` events. */
function counted(queryClient: QueryClient, count: number): Promise<void> {
  return new Promise((resolve) => {
    if (received(queryClient) >= count) return resolve();
    const off = queryClient.getQueryCache().subscribe(() => {
      if (received(queryClient) < count) return;
      off();
      resolve();
    });
  });
}

it("counts a second's events when the chart has a render pending as the second ends", async () => {
  // Only the chart's sampling clock is the test's; the socket runs on real time.
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  // Components hear of a cache change at once, not a timer later.
  notifyManager.setScheduler((notify) => notify());
  const subscribed = mock.nextFrame((f) => f.method === "subscribe" && f.data?.channel === "firehose");
  const { queryClient } = renderLive(
    <>
      <EventsChart />
      <EventStream />
    </>,
  );
  await subscribed;

  for (const type of ["job.enqueued", "job.started", "job.completed"] as const) {
    mock.emit(jobEvent(type, "job_01h455vb4pex5vsknk084sn02q"));
  }
  // Rendered with all three (the chart renders along with the stream: one buffer).
  await screen.findByText("3 received");

  await act(async () => {
    // A fourth event reaches the buffer: the chart's re-render is queued, not done…
    const fourth = counted(queryClient, 4);
    mock.emit(jobEvent("job.enqueued", "job_01h455vb4pex5vsknk084sn02r"));
    await fourth;
    // …when the second ends. Three events arrived in it (the fourth counts in the next).
    vi.advanceTimersByTime(1_000);
  });

  expect(screen.getByRole("img").getAttribute("aria-label")).toBe(
    "Events per second over the last minute; now 3, peak 3",
  );
});
