import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  ScatterController,
  Tooltip,
} from "chart.js";

// Only what the charts use, so the bundle carries no unused chart types.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  Legend,
  Filler,
);

/** Variant colours, in variant order (control first), readable on light and dark. */
export const PALETTE = ["#6b7280", "#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed"];

export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length] ?? "#2563eb";
}

/** Draws the vertical line at zero effect that interval plots are read against. */
export const zeroLine: Plugin = {
  id: "abkitZeroLine",
  beforeDatasetsDraw(chart) {
    const x = chart.scales.x;
    if (!x || x.min > 0 || x.max < 0) return;
    const position = x.getPixelForValue(0);
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.strokeStyle = "#9ca3af";
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(position, chartArea.top);
    ctx.lineTo(position, chartArea.bottom);
    ctx.stroke();
    ctx.restore();
  },
};

/** Draws the horizontal line at zero effect that effect-over-time lines are read against. */
export const horizontalZeroLine: Plugin = {
  id: "abkitHorizontalZeroLine",
  beforeDatasetsDraw(chart) {
    const y = chart.scales.y;
    if (!y || y.min > 0 || y.max < 0) return;
    const position = y.getPixelForValue(0);
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.strokeStyle = "#9ca3af";
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(chartArea.left, position);
    ctx.lineTo(chartArea.right, position);
    ctx.stroke();
    ctx.restore();
  },
};

export { Chart };
