import type { StreamEvent } from "@dispatch/client";
import { useChannel } from "@dispatch/react";
import { useState } from "react";
import { clockTime, shortId } from "../lib/time";

const LIMIT = 80;

function subjectOf(event: StreamEvent): string {
  const data = event.data as { job_name?: string; name?: string; entry_name?: string; step_name?: string };
  const name = data.job_name ?? data.name ?? data.entry_name ?? "";
  const id = event.topic.includes(":") ? shortId(event.topic.slice(event.topic.indexOf(":") + 1)) : "";
  return [name, data.step_name, id].filter(Boolean).join(" · ");
}

/** Raw `firehose` events, newest first, bounded; pausing freezes the view, not the feed. */
export function EventStream() {
  const [paused, setPaused] = useState(false);
  const { events, received, isLive, error } = useChannel("firehose", { limit: LIMIT, paused });
  // The absolute position of each event in the channel: unique and stable keys.
  const first = received - events.length;
  const rows = events.map((event, i) => ({ event, seq: first + i })).reverse();
  return (
    <section className="panel stream" aria-labelledby="stream-title">
      <header className="panel-head">
        <h2 id="stream-title">Event stream</h2>
        <span className="muted">
          {received} received{isLive ? "" : error ? ` · refused: ${error.message}` : " · not live"}
        </span>
        {/* The name says the state ("Resume" while paused): no aria-pressed on top of it. */}
        <button type="button" className="small" onClick={() => setPaused(!paused)}>
          {paused ? "Resume stream" : "Pause stream"}
        </button>
      </header>
      {rows.length === 0 ? (
        <p className="empty">Waiting for events on firehose…</p>
      ) : (
        // Named, so focus says what it is. Not role="log": a live region would have a
        // screen reader read out every event.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box the keyboard cannot focus cannot be scrolled from the keyboard
        <section className="events" aria-label="Latest firehose events" tabIndex={0}>
          <ol className="event-list">
            {rows.map(({ event, seq }) => (
              <li key={seq} className={`event family-${event.type.split(".")[0]}`}>
                <span className="mono muted">{clockTime(event.ts)}</span>
                <span className="event-type">{event.type}</span>
                <span className="event-subject muted">{subjectOf(event)}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
