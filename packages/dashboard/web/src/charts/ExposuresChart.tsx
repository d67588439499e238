import { useEffect, useRef } from "preact/hooks";
import type { ExperimentResults } from "../api/types.js";
import { Chart, colorOf } from "./chartSetup.js";

/** Cumulative exposures per variant and UTC day, from the results' `exposuresOverTime`. */
export function ExposuresChart({ results }: { results: ExperimentResults }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const days = results.exposuresOverTime;
  useEffect(() => {
    if (!canvas.current || days.length === 0) return;
    const chart = new Chart(canvas.current, {
      type: "line",
      data: {
        labels: days.map((day) => day.date),
        datasets: results.variants.map((variant, index) => ({
          label: variant.key,
          data: days.map((day) => day.cumulative[variant.key] ?? 0),
          borderColor: colorOf(index),
          backgroundColor: colorOf(index),
          pointRadius: days.length > 1 ? 2 : 4,
          tension: 0.2,
        })),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          // One day alone sits in the middle rather than on the axis.
          x: { offset: days.length === 1, title: { display: true, text: "Day (UTC)" } },
          y: { beginAtZero: true, title: { display: true, text: "Users exposed (cumulative)" } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
    return () => chart.destroy();
  }, [results]);

  if (days.length === 0) {
    return <p class="muted chart-empty">No exposures yet.</p>;
  }
  const last = days[days.length - 1];
  return (
    <div class="chart" style={{ height: "260px" }}>
      <canvas
        ref={canvas}
        role="img"
        data-testid="exposures-chart"
        aria-label={`Cumulative exposures per variant from ${days[0]?.date} to ${last?.date}`}
      />
    </div>
  );
}
