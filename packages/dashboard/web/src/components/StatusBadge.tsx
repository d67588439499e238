import type { ExperimentStatus } from "../api/types.js";

export function StatusBadge({ status }: { status: ExperimentStatus }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}
