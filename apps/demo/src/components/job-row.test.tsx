// @vitest-environment happy-dom
import { MockError, wireJob } from "@dispatch/client/testing";
import { act, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { mockDispatchForFile, reached } from "../../test/mock-dispatch";
import { JobRow } from "./job-row";

const { mock, renderLive } = mockDispatchForFile();

const ID = "job_01h455vb4pex5vsknk084sn02q";

it("stops the clock of a job the server no longer has", async () => {
  const created = new Date(Date.now() - 10_000).toISOString();
  mock.handle("job.get", () =>
    wireJob({ id: ID, state: "running", created_at: created, started_at: created }),
  );
  const { client, container } = renderLive(
    <table>
      <tbody>
        <JobRow jobId={ID} selected={false} onSelect={() => {}} />
      </tbody>
    </table>,
  );
  await screen.findByText("running");
  // The dev server keeps its jobs in memory: restarted, it has none.
  mock.handle("job.get", () => new MockError(404, "job not found: dispatch: job not found"));
  const reconnecting = reached(client, "reconnecting");
  mock.drop();
  await act(() => reconnecting);
  await screen.findByText(/job not found/);
  const elapsed = container.querySelector("td.num.mono");
  expect(elapsed?.textContent).toBe("—");
});
