// @vitest-environment happy-dom
import type { EnqueueResult } from "@dispatch/client";
import { MockError } from "@dispatch/client/testing";
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { expect, it, vi } from "vitest";
import { held, mockDispatchForFile, reached } from "../../test/mock-dispatch";
import { EnqueueForm } from "./enqueue-form";

const { mock, renderLive } = mockDispatchForFile();
const ID = "job_01h455vb4pex5vsknk084sn02q";

const enqueueButton = (): HTMLButtonElement => screen.getByRole("button", { name: "Enqueue job" });

it("disables Enqueue while its call is out, and enables it again with the answer", async () => {
  const answer = held<EnqueueResult>();
  mock.handle("job.enqueue", () => answer.promise);
  const onEnqueued = vi.fn();
  renderLive(<EnqueueForm onEnqueued={onEnqueued} />);
  fireEvent.click(enqueueButton());
  // The request is on the server, unanswered.
  await waitFor(() => expect(mock.sent("job.enqueue")).toHaveLength(1));
  expect(enqueueButton().disabled).toBe(true);
  expect(enqueueButton().getAttribute("aria-busy")).toBe("true");

  answer.release({ job_id: ID, queue: "default", state: "pending" });
  await screen.findByText(ID);
  expect(enqueueButton().disabled).toBe(false);
  expect(onEnqueued).toHaveBeenCalledWith(ID);
});

it("keeps a failure shown through an outage, and clears it once the connection is back", async () => {
  mock.handle("job.enqueue", () => {
    throw new MockError(400, "queue is paused");
  });
  // Slow enough to look at the page between the drop and the reconnection.
  const { client } = renderLive(<EnqueueForm onEnqueued={() => {}} />, {
    minReconnectDelay: 200,
    maxReconnectDelay: 200,
  });
  fireEvent.click(enqueueButton());
  await screen.findByText(/queue is paused/);

  const reconnecting = reached(client, "reconnecting");
  mock.drop();
  await act(() => reconnecting);
  expect(screen.queryByText(/queue is paused/)).not.toBeNull();

  await act(() => reached(client, "open"));
  await waitFor(() => expect(screen.queryByText(/queue is paused/)).toBeNull());
});

it("describes invalid JSON on the payload field, without an alert at each keystroke", () => {
  renderLive(<EnqueueForm onEnqueued={() => {}} />);
  const payload = screen.getByLabelText("Payload (JSON)");
  for (const text of ["{", '{"a"', '{"a":']) fireEvent.change(payload, { target: { value: text } });
  // Typing JSON passes through invalid text; an alert would be read out for each character.
  expect(screen.queryByRole("alert")).toBeNull();
  expect(payload.getAttribute("aria-invalid")).toBe("true");
  const error = document.getElementById(payload.getAttribute("aria-describedby") ?? "");
  expect(error?.textContent).toMatch(/^Invalid JSON: /);
  expect(enqueueButton().disabled).toBe(true);
});

it("says the call waits for the connection when Enqueue is pressed during an outage", async () => {
  mock.handle("job.enqueue", () => ({ job_id: ID, queue: "default", state: "pending" }));
  // Slow enough to look at the page between the drop and the reconnection.
  const { client } = renderLive(<EnqueueForm onEnqueued={() => {}} />, {
    minReconnectDelay: 200,
    maxReconnectDelay: 200,
  });
  await act(() => client.connect());
  const reconnecting = reached(client, "reconnecting");
  mock.drop();
  await act(() => reconnecting);
  fireEvent.click(enqueueButton());
  expect(await screen.findByText("Waiting for the connection…")).toBeDefined();
  // Sent once the session is back, and answered.
  await screen.findByText(ID);
  expect(screen.queryByText("Waiting for the connection…")).toBeNull();
});
