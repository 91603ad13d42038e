import { useChannel } from "@dispatch/react";
import { useEffect, useRef, useState } from "react";

const SECONDS = 60;
const WIDTH = 240;
const HEIGHT = 64;

/** Events per second on `firehose` over the last minute, sampled from the channel's counter. */
export function EventsChart() {
  const { received } = useChannel("firehose", { limit: 1 });
  const latest = useRef(received);
  latest.current = received;
  const [series, setSeries] = useState<readonly number[]>(() => new Array<number>(SECONDS).fill(0));
  useEffect(() => {
    let last = latest.current;
    const timer = setInterval(() => {
      const now = latest.current;
      // Taken here, not in the updater: React may run that only at its next
      // render, after `last` has moved on to `now` (and the second reads 0).
      const rate = Math.max(0, now - last);
      last = now;
      setSeries((prev) => [...prev.slice(1), rate]);
    }, 1_000);
    return () => clearInterval(timer);
  }, []);
  const peak = Math.max(5, ...series);
  const x = (i: number): number => (i / (SECONDS - 1)) * WIDTH;
  const y = (v: number): number => HEIGHT - 2 - (v / peak) * (HEIGHT - 6);
  const line = series.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const current = series[SECONDS - 1] ?? 0;
  return (
    <figure className="chart">
      <figcaption>
        <span>Events / s</span>
        <strong data-rate={current}>{current}</strong>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Events per second over the last minute; now ${current}, peak ${Math.max(...series)}`}
      >
        <line className="grid-line" x1="0" x2={WIDTH} y1={y(peak)} y2={y(peak)} />
        <line className="grid-line" x1="0" x2={WIDTH} y1={y(peak / 2)} y2={y(peak / 2)} />
        <polygon className="area" points={`0,${HEIGHT} ${line} ${WIDTH},${HEIGHT}`} />
        <polyline className="line" points={line} />
      </svg>
      <div className="chart-scale muted">
        <span>−60 s</span>
        <span>peak scale {peak}/s</span>
        <span>now</span>
      </div>
    </figure>
  );
}
