/**
 * React commits per second of a `useChannel("firehose")` component while
 * 2,000 events/s arrive, with animation frames driven at 60 Hz. The hook
 * batches to one cache write per frame, so the goal is ≤ 60.
 */
import type { WebSocketConstructor } from "@dispatch/client";
import { createDevServer } from "@dispatch/dev-server";
import { DispatchProvider, useChannel } from "@dispatch/react";
import { QueryClient } from "@tanstack/react-query";
import { createElement, useEffect } from "react";
import { createRoot } from "react-dom/client";
import WS from "ws";
import { installDom } from "./dom.js";
import { until } from "./stats.js";

const RATE = 2_000;
const FRAME_MS = 1000 / 60;

/** What the component reports back to the measurement. */
interface Probe {
  commits: number;
  received: number;
}

function Firehose({ probe }: { probe: Probe }) {
  const channel = useChannel("firehose", { limit: 100 });
  probe.received = channel.received;
  // Runs once per commit of this component.
  useEffect(() => {
    probe.commits++;
  });
  return createElement("p", null, String(channel.received));
}

/** Commits per second over a window of `windowMs` of flood. */
export async function reactRendersUnderFlood(windowMs: number): Promise<number> {
  const dom = installDom();
  const server = await createDevServer({ port: 0 });
  const probe: Probe = { commits: 0, received: 0 };
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  root.render(
    createElement(
      DispatchProvider,
      {
        url: server.url,
        token: "dk_test_bench",
        queryClient: new QueryClient(),
        options: { WebSocket: WS as unknown as WebSocketConstructor, heartbeatInterval: 0 },
      },
      createElement(Firehose, { probe }),
    ),
  );
  // A frame whenever the 60 Hz schedule is due: a plain 16.7 ms interval
  // rounds to 16 ms in Node and would run 62.5 frames per second.
  let nextFrameAt = performance.now() + FRAME_MS;
  const frames = setInterval(() => {
    if (performance.now() < nextFrameAt) return;
    nextFrameAt += FRAME_MS;
    dom.frame();
  }, 2);
  try {
    // Warm-up: the subscription is live once a probe event shows up.
    let seq = 0;
    const publish = (n: number) => {
      for (let i = 0; i < n; i++, seq++) {
        server.publish({
          type: "job.started",
          ts: new Date().toISOString(),
          topic: `job:flood_${seq}`,
          data: {},
        });
      }
    };
    await until(
      () => {
        if (probe.received === 0) publish(1);
        return probe.received > 0;
      },
      10_000,
      "the first event in the component",
    );
    const startCommits = probe.commits;
    const startReceived = probe.received;
    const t0 = performance.now();
    // Publish on a 5 ms clock so the rate holds whatever the timer jitter.
    let sent = 0;
    await new Promise<void>((resolve) => {
      const clock = setInterval(() => {
        const elapsed = performance.now() - t0;
        const due = Math.min(Math.floor((elapsed / 1000) * RATE), Math.round((windowMs / 1000) * RATE));
        publish(due - sent);
        sent = due;
        if (elapsed >= windowMs) {
          clearInterval(clock);
          resolve();
        }
      }, 5);
    });
    const seconds = (performance.now() - t0) / 1000;
    if (probe.received - startReceived < sent / 2)
      throw new Error(`only ${probe.received - startReceived} of ${sent} events reached the component`);
    return (probe.commits - startCommits) / seconds;
  } finally {
    clearInterval(frames);
    root.unmount();
    await server.close();
    // React flushes the unmount's passive effects on a later task, which still reads `window`.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    dom.uninstall();
  }
}
