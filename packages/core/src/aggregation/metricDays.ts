// The per-day part of a batch's metric aggregates (`metricsByDay`): what each event adds to
// its variant's sum and sum of squares, filed under the UTC day of the event's time, so that
// the days through d add up to the aggregates as of the end of d.
import type { MetricDayAggregate } from "../store.js";
import { counterId } from "./counters.js";
import type { Increments } from "./increments.js";

/** Sums a batch's per-day increments, one cell per (experiment, metric, day, variant). */
export class MetricDays {
  readonly #cells = new Map<string, DayCell>();

  /**
   * Files one event's increments on `day`: `sum` and `sumSquares` as added to the variant's
   * aggregate (capped), `first` when it is the entity's first counted event of the metric.
   */
  add(
    experimentId: string,
    metricName: string,
    day: string,
    variantKey: string,
    increment: { sum: number; sumSquares: number; first: boolean },
  ): void {
    const id = `${experimentId}\u0000${metricName}\u0000${day}\u0000${variantKey}`;
    let cell = this.#cells.get(id);
    if (!cell) {
      cell = { experimentId, metricName, day, variantKey, sum: 0, sumSquares: 0, entities: 0 };
      this.#cells.set(id, cell);
    }
    cell.sum += increment.sum;
    cell.sumSquares += increment.sumSquares;
    if (increment.first) cell.entities += 1;
  }

  /** Adds every cell to `counters` as `metricByDay` increments of `projectId`. */
  writeTo(counters: Increments, projectId: string): void {
    for (const { experimentId, metricName, day, variantKey, ...sums } of this.#cells.values()) {
      for (const field of DAY_FIELDS) {
        counters.add(
          projectId,
          experimentId,
          counterId.metricByDay(metricName, day, variantKey, field),
          sums[field],
        );
      }
    }
  }
}

// --- Internal helpers ---

interface DayCell extends MetricDayAggregate {
  experimentId: string;
  metricName: string;
  day: string;
  variantKey: string;
}

const DAY_FIELDS = ["sum", "sumSquares", "entities"] as const;
