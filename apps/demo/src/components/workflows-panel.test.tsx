// @vitest-environment happy-dom
import { fireEvent, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { mockDispatchForFile } from "../../test/mock-dispatch";
import { WorkflowsPanel } from "./workflows-panel";

const { mock, renderLive } = mockDispatchForFile();

it("confirms that payment-received was sent, and who takes it", async () => {
  mock.handle("workflow.event", ({ name }) => ({ event_id: "evt_01h455vb4pex5vsknk084sn02q", name }));
  renderLive(<WorkflowsPanel />);
  fireEvent.click(screen.getByRole("button", { name: "Send payment-received" }));
  const status = await screen.findByText(/^Sent payment-received: /);
  expect(status.getAttribute("role")).toBe("status");
  const [frame] = mock.sent("workflow.event");
  expect(frame?.data).toEqual({ name: "payment-received", payload: { amount: 42 } });
});
