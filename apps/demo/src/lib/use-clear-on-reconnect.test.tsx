// @vitest-environment happy-dom
import { act } from "@testing-library/react";
import { expect, it, vi } from "vitest";
import { mockDispatchForFile, reached } from "../../test/mock-dispatch";
import { useClearOnReconnect } from "./use-clear-on-reconnect";

const { mock, renderLive } = mockDispatchForFile();

interface Call {
  isError: boolean;
  reset: () => void;
}

function Probe({ calls }: { calls: Call[] }) {
  useClearOnReconnect(...calls);
  return null;
}

it("resets the failed calls when the connection comes back, not the one still running", async () => {
  const failed = { isError: false, reset: vi.fn() };
  const running = { isError: false, reset: vi.fn() };
  // Slow enough to look between the drop and the reconnection.
  const { client, rerender } = renderLive(<Probe calls={[failed, running]} />, {
    minReconnectDelay: 200,
    maxReconnectDelay: 200,
  });
  await act(() => client.connect());
  failed.isError = true;
  rerender(<Probe calls={[failed, running]} />);
  // A failure while connected (a 404, say) is news about now: it stays.
  expect(failed.reset).not.toHaveBeenCalled();

  const reconnecting = reached(client, "reconnecting");
  mock.drop();
  await act(() => reconnecting);
  expect(failed.reset).not.toHaveBeenCalled();

  await act(() => reached(client, "open"));
  expect(failed.reset).toHaveBeenCalledTimes(1);
  expect(running.reset).not.toHaveBeenCalled();
});
