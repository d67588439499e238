// For store authors: the checks a store runs on records before it writes them
// (`recordAssignments`, `applyEvents`), for the fields the engine's schemas leave open to
// adapters and plain JavaScript callers.

import {
  dimensionValue,
  MAX_DIMENSION_VALUE_BYTES,
  MAX_DIMENSION_VALUE_CHARS,
} from "../aggregation/slices.js";
import { ValidationError } from "../errors/ValidationError.js";
import { type EventRecord, MAX_COVARIATE_VALUE, MAX_EVENT_VALUE } from "../schema/event.js";
import { MAX_DIMENSIONS } from "../schema/experiment.js";
import type { ScoreRecord } from "../schema/score.js";
import type { AssignmentRecord } from "../store.js";
import { isName, isPlainRecord, NAME_RULE } from "./inputShape.js";

/**
 * For store authors: throws the `validation_failed` that `recordAssignments` must raise,
 * before any write, when a record's `variantKey` is not a name or its `covariates` is not an object of slug names to finite
 * numbers within `MAX_COVARIATE_VALUE`.
 *
 * @example
 * checkAssignmentRecords(assignments); // then write
 */
export function checkAssignmentRecords(assignments: readonly AssignmentRecord[]): void {
  assignments.forEach((record, index) => {
    // Variant keys name aggregate counters (see `counterId`): only names are accepted.
    if (typeof record.variantKey !== "string" || !isName(record.variantKey)) {
      throw ValidationError.field([index, "variantKey"], NAME_RULE, "assignments");
    }
    checkDimensions(record.dimensions, index);
    const { covariates } = record;
    if (covariates === undefined) return;
    if (!isPlainRecord(covariates)) {
      throw ValidationError.field([index, "covariates"], "must be an object", "assignments");
    }
    for (const [name, value] of Object.entries(covariates)) {
      if (!isName(name)) {
        throw ValidationError.field([index, "covariates", name], NAME_RULE, "assignments");
      }
      if (typeof value !== "number" || !(Math.abs(value) <= MAX_COVARIATE_VALUE)) {
        throw ValidationError.field(
          [index, "covariates", name],
          `must be a finite number between -${MAX_COVARIATE_VALUE} and ${MAX_COVARIATE_VALUE}`,
          "assignments",
        );
      }
    }
  });
}

/**
 * For store authors: throws the `validation_failed` that `applyEvents` must raise, before
 * any write, when a metric name is not a name, a value is not a finite number within `MAX_EVENT_VALUE`, `crossMetrics`
 * is not experiment id -> metric names or `caps` is not experiment id -> metric name -> a
 * number above 0 and at most `MAX_EVENT_VALUE`.
 *
 * @example
 * checkEventRecords(events); // then write
 */
export function checkEventRecords(events: readonly EventRecord[]): void {
  events.forEach((event, index) => {
    // Metric names name aggregate counters (see `counterId`): only names are accepted.
    if (typeof event.metricName !== "string" || !isName(event.metricName)) {
      throw ValidationError.field([index, "metricName"], NAME_RULE, "events");
    }
    // The bound keeps every aggregate finite (see MAX_EVENT_VALUE); NaN fails the comparison.
    if (typeof event.value !== "number" || !(Math.abs(event.value) <= MAX_EVENT_VALUE)) {
      throw ValidationError.field(
        [index, "value"],
        `must be a finite number between -${MAX_EVENT_VALUE} and ${MAX_EVENT_VALUE}`,
        "events",
      );
    }
    checkCaps(event.caps, index);
    const { crossMetrics, undeclaredIn } = event;
    if (
      undeclaredIn !== undefined &&
      (!Array.isArray(undeclaredIn) || !undeclaredIn.every((id) => typeof id === "string"))
    ) {
      throw ValidationError.field([index, "undeclaredIn"], "must be an array of ids", "events");
    }
    if (crossMetrics === undefined) return;
    if (!isPlainRecord(crossMetrics)) {
      throw ValidationError.field([index, "crossMetrics"], "must be an object", "events");
    }
    for (const [experimentId, names] of Object.entries(crossMetrics)) {
      const path = [index, "crossMetrics", experimentId];
      if (!Array.isArray(names)) throw ValidationError.field(path, "must be an array", "events");
      names.forEach((name, n) => {
        if (typeof name !== "string" || !isName(name)) {
          throw ValidationError.field([...path, n], NAME_RULE, "events");
        }
      });
    }
  });
}

// --- Internal helpers ---

// Capping (see EventRecord.caps): a cap is a positive bound within the event value bound, so
// a capped total stays as finite as a raw one.
function checkCaps(caps: EventRecord["caps"], index: number): void {
  if (caps === undefined) return;
  if (!isPlainRecord(caps)) {
    throw ValidationError.field([index, "caps"], "must be an object", "events");
  }
  for (const [experimentId, byMetric] of Object.entries(caps)) {
    const path = [index, "caps", experimentId];
    if (!isPlainRecord(byMetric)) throw ValidationError.field(path, "must be an object", "events");
    for (const [metric, cap] of Object.entries(byMetric)) {
      if (!isName(metric)) throw ValidationError.field([...path, metric], NAME_RULE, "events");
      if (typeof cap !== "number" || !(cap > 0 && cap <= MAX_EVENT_VALUE)) {
        throw ValidationError.field(
          [...path, metric],
          `must be a number above 0 and at most ${MAX_EVENT_VALUE}`,
          "events",
        );
      }
    }
  }
}

// Dimension names name counters; values become slice keys (`sliceKey`), so their length is
// bounded as `dimensionValue` cuts them.
function checkDimensions(dimensions: unknown, index: number): void {
  if (dimensions === undefined) return;
  if (!isPlainRecord(dimensions)) {
    throw ValidationError.field([index, "dimensions"], "must be an object", "assignments");
  }
  const entries = Object.entries(dimensions);
  if (entries.length > MAX_DIMENSIONS) {
    throw ValidationError.field(
      [index, "dimensions"],
      `must hold at most ${MAX_DIMENSIONS} dimensions`,
      "assignments",
    );
  }
  for (const [name, value] of entries) {
    if (!isName(name)) {
      throw ValidationError.field([index, "dimensions", name], NAME_RULE, "assignments");
    }
    if (value !== null && (typeof value !== "string" || dimensionValue(value) !== value)) {
      throw ValidationError.field(
        [index, "dimensions", name],
        `must be null or a string of at most ${MAX_DIMENSION_VALUE_CHARS} characters and ${MAX_DIMENSION_VALUE_BYTES} bytes (see dimensionValue)`,
        "assignments",
      );
    }
  }
}

/**
 * For store authors: throws the `validation_failed` that `attachScore` must raise, before any
 * write, when the score's `variantKey` or `name` is not a name (they name counters) or its
 * `value` is not a finite number within `MAX_EVENT_VALUE`.
 *
 * @example
 * checkScoreRecord(score); // then write
 */
export function checkScoreRecord(score: ScoreRecord): void {
  for (const field of ["variantKey", "name"] as const) {
    if (typeof score[field] !== "string" || !isName(score[field])) {
      throw ValidationError.field([field], NAME_RULE, "score");
    }
  }
  if (typeof score.value !== "number" || !(Math.abs(score.value) <= MAX_EVENT_VALUE)) {
    throw ValidationError.field(
      ["value"],
      `must be a finite number between -${MAX_EVENT_VALUE} and ${MAX_EVENT_VALUE}`,
      "score",
    );
  }
  if (typeof score.key !== "string" || score.key.length === 0 || score.key.length > 256) {
    throw ValidationError.field(["key"], "must be a string of 1 to 256 characters", "score");
  }
}
