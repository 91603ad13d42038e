import { useConnectionState, useDispatch } from "@dispatch/react";
import { useQuery } from "@tanstack/react-query";
import { EventsChart } from "./events-chart";

/** Broker statistics, polled, and the live events-per-second chart. */
export function StatsPanel() {
  const client = useDispatch();
  const { state } = useConnectionState();
  const open = state === "open";
  const stats = useQuery({
    queryKey: ["demo", "stats"],
    queryFn: ({ signal }) => client.stats({ signal, timeout: 5_000 }),
    // Polled only while connected: a poll during an outage waits out its
    // timeout while the old figures stay up, labelled as if they were fresh.
    refetchInterval: open ? 2_000 : false,
    retry: false,
  });
  const label = !open ? "not connected: last known" : stats.isError ? "unavailable" : "every 2 s";
  const broker = stats.data?.broker;
  const cells: [string, number | undefined][] = [
    ["Topics", broker?.topic_count],
    ["Subscribers", broker?.subscriber_count],
    ["Published", broker?.total_published],
    ["Dropped", broker?.total_dropped],
  ];
  return (
    <section className="panel stats" aria-labelledby="stats-title">
      <header className="panel-head">
        <h2 id="stats-title">Server stats</h2>
        <span className="muted">{label}</span>
      </header>
      <dl className="stat-grid">
        {cells.map(([label, value]) => (
          <div key={label} className="stat">
            <dt>{label}</dt>
            <dd>{value === undefined ? "—" : value.toLocaleString("en-US")}</dd>
          </div>
        ))}
      </dl>
      <EventsChart />
    </section>
  );
}
