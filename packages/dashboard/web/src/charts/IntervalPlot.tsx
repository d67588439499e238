import { useEffect, useRef } from "preact/hooks";
import type { MetricResult } from "../api/types.js";
import { formatInterval, formatSignedNumber, formatSignedPercent, levelOf } from "../format.js";
import { Chart, colorOf, zeroLine } from "./chartSetup.js";

/**
 * Each treatment's absolute effect against the control: the point estimate, its 95%
 * interval (thick bar) and the always-valid interval (thin bar), around a line at zero.
 */
export function IntervalPlot({ metric, alpha }: { metric: MetricResult; alpha: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const treatments = metric.variants.filter((variant) => variant.comparison !== null);
  // A rate's effect reads in percentage points, as the table shows it.
  const rate = metric.kind === "binomial";
  const effect = rate ? formatSignedPercent : formatSignedNumber;
  const description = treatments
    .map((variant) => {
      const absolute = variant.comparison?.absolute;
      return `${variant.variantKey}: ${effect(absolute?.estimate)} ${formatInterval(absolute?.ci, effect)}`;
    })
    .join("; ");

  useEffect(() => {
    if (!canvas.current) return;
    const labels = treatments.map((variant) => variant.variantKey);
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            type: "bar",
            label: "Always-valid interval",
            data: treatments.map((variant) => variant.comparison?.sequential?.ci ?? null) as never,
            backgroundColor: "rgba(107, 114, 128, 0.35)",
            barPercentage: 0.12,
            categoryPercentage: 1,
            grouped: false,
            order: 2,
          },
          {
            type: "bar",
            label: `${levelOf(alpha)} interval`,
            data: treatments.map((variant) => variant.comparison?.absolute.ci ?? null) as never,
            backgroundColor: treatments.map((_, index) => `${colorOf(index + 1)}aa`),
            barPercentage: 0.45,
            categoryPercentage: 1,
            grouped: false,
            order: 1,
          },
          {
            type: "scatter",
            label: "Estimate",
            data: treatments.map((variant) => ({
              x: variant.comparison?.absolute.estimate ?? Number.NaN,
              y: variant.variantKey,
            })) as never,
            backgroundColor: "#111827",
            pointRadius: 5,
            pointStyle: "rectRot",
            order: 0,
          },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: {
            type: "linear",
            title: {
              display: true,
              text: rate ? "Effect vs control (percentage points)" : "Effect vs control",
            },
            ticks: {
              callback: (value) =>
                rate ? formatSignedPercent(Number(value)) : formatSignedNumber(Number(value)),
            },
          },
          y: { type: "category", labels },
        },
        plugins: { legend: { position: "bottom" } },
      },
      plugins: [zeroLine],
    });
    return () => chart.destroy();
  }, [metric, alpha]);

  return (
    <div class="chart" style={{ height: `${96 + 56 * Math.max(1, treatments.length)}px` }}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Effect of each variant on ${metric.name} against the control: ${description}`}
        data-testid={`interval-plot-${metric.name}`}
      />
    </div>
  );
}
