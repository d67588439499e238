import { useEffect, useRef } from "preact/hooks";
import type { EffectDay, MetricResult } from "../api/types.js";
import { formatInterval, formatSignedNumber, formatSignedPercent } from "../format.js";
import { Chart, colorOf, horizontalZeroLine } from "./chartSetup.js";
import { effectSeries } from "./effectSeries.js";

/**
 * Each treatment's cumulative absolute effect at the end of each UTC day, as the API returned
 * it in `effectOverTime`: a line for the estimate inside a band for its always-valid interval,
 * read against a dashed line at zero.
 */
export function EffectOverTimeChart({
  metric,
  variantKeys,
}: {
  metric: MetricResult;
  /** Every variant, control first, so a treatment keeps the colour it has elsewhere. */
  variantKeys: string[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const days = metric.effectOverTime ?? [];
  const series = effectSeries(days);
  const rate = metric.kind === "binomial";
  const effect = rate ? formatSignedPercent : formatSignedNumber;

  useEffect(() => {
    if (!canvas.current || days.length === 0) return;
    const point = (day: EffectDay, key: string) =>
      day.variants.find((variant) => variant.variantKey === key)?.absolute ?? null;
    const datasets = series.flatMap((key) => {
      const color = colorOf(Math.max(0, variantKeys.indexOf(key)));
      const band = `${color}33`;
      const bound = (side: 0 | 1) => days.map((day) => point(day, key)?.ci?.[side] ?? null);
      return [
        {
          label: `${key} interval low`,
          data: bound(0),
          borderColor: band,
          backgroundColor: band,
          borderWidth: 0,
          pointRadius: 0,
          fill: false,
        },
        {
          label: `${key} interval`,
          data: bound(1),
          borderColor: band,
          backgroundColor: band,
          borderWidth: 0,
          pointRadius: 0,
          // Fills down to the dataset before it: the band between the interval's bounds.
          fill: "-1",
        },
        {
          label: key,
          data: days.map((day) => point(day, key)?.estimate ?? null),
          borderColor: color,
          backgroundColor: color,
          pointRadius: days.length > 1 ? 2 : 4,
          fill: false,
        },
      ];
    });
    const chart = new Chart(canvas.current, {
      type: "line",
      data: { labels: days.map((day) => day.date), datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { offset: days.length === 1, title: { display: true, text: "Day (UTC)" } },
          y: {
            title: {
              display: true,
              text: rate ? "Cumulative effect (percentage points)" : "Cumulative effect",
            },
            ticks: { callback: (value) => effect(Number(value)) },
          },
        },
        plugins: {
          legend: {
            position: "bottom",
            // The bands are named in the description; the legend names the lines.
            labels: { filter: (item) => series.includes(item.text) },
          },
        },
      },
      plugins: [horizontalZeroLine],
    });
    return () => chart.destroy();
  }, [metric, variantKeys.join(",")]);

  if (days.length === 0) {
    return (
      <p class="muted chart-empty" data-testid={`effect-over-time-empty-${metric.name}`}>
        No effect over time yet.
      </p>
    );
  }
  const first = days[0];
  const last = days[days.length - 1];
  const latest = series
    .map((key) => {
      const absolute = last?.variants.find((variant) => variant.variantKey === key)?.absolute;
      return `${key} ${effect(absolute?.estimate)} ${formatInterval(absolute?.ci, effect)}`;
    })
    .join("; ");
  return (
    <div class="chart" style={{ height: "260px" }}>
      <canvas
        ref={canvas}
        role="img"
        data-testid={`effect-over-time-${metric.name}`}
        data-points={days.length}
        data-series={series.join(",")}
        aria-label={`Cumulative effect on ${metric.name} against the control from ${first?.date} to ${last?.date}, with always-valid intervals; on ${last?.date}: ${latest}`}
      />
    </div>
  );
}
