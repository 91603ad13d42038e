import { useDispatch } from "@dispatch/react";
import { useQuery } from "@tanstack/react-query";
import { EventsChart } from "./events-chart";

/** Broker statistics, polled, and the live events-per-second chart. */
export function StatsPanel() {
  const client = useDispatch();
  const stats = useQuery({
    queryKey: ["demo", "stats"],
    queryFn: ({ signal }) => client.stats({ signal, timeout: 5_000 }),
    refetchInterval: 2_000,
    retry: false,
  });
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
        <span className="muted">{stats.isError ? "unavailable" : "every 2 s"}</span>
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
