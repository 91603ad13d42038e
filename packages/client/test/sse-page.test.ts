// transport "sse" follows the page as the socket does: the network's return
// ends a backoff wait at once, and the back/forward cache suspends the streams. The backoff here is a minute, so only the
// 'online' event can explain a prompt re-open.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Dispatch } from "../src/client.js";
import type { GapEvent } from "../src/connection-state.js";
import { createMockDispatch, jobEvent, workflowEvent } from "../src/testing/index.js";
import { stateReaches } from "./setup.js";

const mock = createMockDispatch({ url: "ws://127.0.0.1:7809/dwp" });
const ID = "job_01h455vb4pex5vsknk084sn02q";
const RUN = "wfrun_01h455vb4pex5vsknk084sn02q";
let page: EventTarget;
let client: Dispatch | undefined;

beforeAll(() => mock.listen());
beforeEach(() => {
  page = new EventTarget();
  vi.stubGlobal("addEventListener", page.addEventListener.bind(page));
  vi.stubGlobal("removeEventListener", page.removeEventListener.bind(page));
});
afterEach(() => {
  client?.close();
  vi.unstubAllGlobals();
  mock.reset();
});
afterAll(() => mock.close());

describe('transport "sse" and the page', () => {
  it("re-opens a dropped stream as soon as the network is back", async () => {
    client = new Dispatch({
      url: mock.url,
      token: "dk_test_sse",
      transport: "sse",
      minReconnectDelay: 60_000,
      maxReconnectDelay: 60_000,
    });
    const received: string[] = [];
    const sub = client.subscribe("jobs", (event) => received.push(event.type));
    await sub.ready;
    const gap = new Promise<GapEvent>((resolve) =>
      client?.onGap((g) => g.reason === "reconnect" && resolve(g)),
    );
    mock.drop();
    await stateReaches(client, "reconnecting");
    page.dispatchEvent(new Event("online"));
    expect(await gap).toEqual({ channels: ["jobs"], reason: "reconnect" });
    expect(mock.emit(jobEvent("job.started", ID))).toBe(1);
    await vi.waitFor(() => expect(received).toEqual(["job.started"]));
  });

  it("lets go of its streams while the page is in the back/forward cache", async () => {
    client = new Dispatch({ url: mock.url, token: "dk_test_sse", transport: "sse" });
    const received: string[] = [];
    const sub = client.subscribe("jobs", (event) => received.push(event.type));
    await sub.ready;
    await stateReaches(client, "open");
    const gap = new Promise<GapEvent>((resolve) =>
      client?.onGap((g) => g.reason === "reconnect" && resolve(g)),
    );

    page.dispatchEvent(Object.assign(new Event("pagehide"), { persisted: true }));
    expect(client.state).toBe("reconnecting");
    expect(sub.live).toBe(false);
    // No stream is left for the page to be kept out of the cache by.
    await vi.waitFor(() => expect(mock.emit(jobEvent("job.started", ID))).toBe(0));
    // A channel subscribed to while cached opens with the others.
    const runs: string[] = [];
    const later = client.subscribe("workflows", (event) => runs.push(event.type));

    page.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
    expect(await gap).toEqual({ channels: ["jobs"], reason: "reconnect" });
    await stateReaches(client, "open");
    expect(sub.live).toBe(true);
    expect(mock.emit(jobEvent("job.completed", ID))).toBe(1);
    await vi.waitFor(() => expect(received).toEqual(["job.completed"]));
    await later.ready;
    expect(mock.emit(workflowEvent("workflow.started", RUN))).toBe(1);
    await vi.waitFor(() => expect(runs).toEqual(["workflow.started"]));
  });
});
