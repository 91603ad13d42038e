// @vitest-environment happy-dom
import { jobEvent, MockError } from "@dispatch/client/testing";
import { fireEvent, screen, within } from "@testing-library/react";
import { expect, it } from "vitest";
import { mockDispatchForFile } from "../../test/mock-dispatch";
import { EventStream } from "./event-stream";

const { mock, renderLive } = mockDispatchForFile();

it("puts the scrolling event list in the tab order, under a name", async () => {
  const subscribed = mock.nextFrame((f) => f.method === "subscribe" && f.data?.channel === "firehose");
  renderLive(<EventStream />);
  await subscribed;
  mock.emit(jobEvent("job.enqueued", "job_01h455vb4pex5vsknk084sn02q"));

  const region = await screen.findByRole("region", { name: "Latest firehose events" });
  expect(region.tabIndex).toBe(0);
  region.focus();
  expect(document.activeElement).toBe(region);
  expect(within(region).getAllByRole("listitem")).toHaveLength(1);
});

it("says why the stream is not live when the server refuses it", async () => {
  // A token without the scope to read events, say.
  mock.handle("subscribe", () => new MockError(403, "insufficient permissions"));
  renderLive(<EventStream />);
  expect(await screen.findByText(/refused: insufficient permissions/)).toBeDefined();
});

it("names the pause button by what it does, without also calling it pressed", async () => {
  renderLive(<EventStream />);
  fireEvent.click(screen.getByRole("button", { name: "Pause stream" }));
  // "Resume stream, pressed" would say resuming is on: the name alone carries the state.
  const resume = screen.getByRole("button", { name: "Resume stream" });
  expect(resume.hasAttribute("aria-pressed")).toBe(false);
  fireEvent.click(resume);
  expect(screen.getByRole("button", { name: "Pause stream" }).hasAttribute("aria-pressed")).toBe(false);
});
