// @vitest-environment happy-dom
import { jobEvent, wireJob } from "@dispatch/client/testing";
import { fireEvent, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { mockDispatchForFile } from "../../test/mock-dispatch";
import { Dashboard } from "./dashboard";

const { mock, renderLive } = mockDispatchForFile();

const ID = "job_01h455vb4pex5vsknk084sn02q";

it("closes the job's detail when its pressed row button is pressed again", async () => {
  mock.handle("job.get", ({ job_id }) => wireJob({ id: job_id, name: "send-email", state: "completed" }));
  const subscribed = mock.nextFrame((f) => f.method === "subscribe" && f.data?.channel === "jobs");
  renderLive(<Dashboard format="json" onFormatChange={() => {}} serverUrl="ws://127.0.0.1:7787/dwp" />);
  await subscribed;
  mock.emit(jobEvent("job.completed", ID));

  const row = await screen.findByRole("button", { name: /send-email/ });
  fireEvent.click(row);
  expect(row.getAttribute("aria-pressed")).toBe("true");
  expect(screen.getByRole("region", { name: /send-email/ })).toBeDefined();
  // A toggle: pressing it again un-presses it, and the detail it opened goes.
  fireEvent.click(row);
  expect(row.getAttribute("aria-pressed")).toBe("false");
  expect(screen.queryByRole("region", { name: /send-email/ })).toBeNull();
});
