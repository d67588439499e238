import type { AssignmentRecord, EventRecord, ExperimentAggregates } from "@abkit/core";
import { expect } from "vitest";

type Products = Pick<ExperimentAggregates, "covariates" | "covariateProducts" | "crossProducts">;

/**
 * The covariate and cross-product sums of `experimentId` from scratch, from the entities'
 * final totals rather than event by event: `Σ x_u t_u`, `Σ x_u` over entities with an event,
 * and `Σ t_u(A1)·t_u(A2)` for each pair of metrics linked by `crossMetrics`.
 */
export function recountProducts(
  experimentId: string,
  assignments: readonly AssignmentRecord[],
  accepted: readonly EventRecord[],
): Products {
  const winners = new Map<string, AssignmentRecord>();
  for (const record of assignments) {
    if (record.experimentId === experimentId && !winners.has(record.entityId)) {
      winners.set(record.entityId, record);
    }
  }
  const result: Products = { covariates: {}, covariateProducts: {}, crossProducts: {} };
  for (const { variantKey, covariates } of winners.values()) {
    for (const [name, x] of Object.entries(covariates ?? {})) {
      const aggregate = slot(slot(result.covariates, name), variantKey, () => ({
        entities: 0,
        sum: 0,
        sumSquares: 0,
      }));
      aggregate.entities += 1;
      aggregate.sum += x;
      aggregate.sumSquares += x * x;
    }
  }
  // entity -> metric -> total, and the metric pairs events linked.
  const totals = new Map<string, Map<string, number>>();
  const pairs = new Set<string>();
  for (const event of accepted) {
    if (!event.experimentIds.includes(experimentId) || !winners.has(event.entityId)) continue;
    const byMetric = totals.get(event.entityId) ?? new Map<string, number>();
    byMetric.set(event.metricName, (byMetric.get(event.metricName) ?? 0) + event.value);
    totals.set(event.entityId, byMetric);
    for (const partner of event.crossMetrics?.[experimentId] ?? []) {
      if (partner === event.metricName) continue;
      const [a1, a2] = [event.metricName, partner].sort();
      pairs.add(`${a1}\u0000${a2}\u0000${winners.get(event.entityId)!.variantKey}`);
    }
  }
  for (const [entityId, byMetric] of totals) {
    const { variantKey, covariates } = winners.get(entityId)!;
    for (const [metric, total] of byMetric) {
      for (const [name, x] of Object.entries(covariates ?? {})) {
        const product = slot(
          slot(slot(result.covariateProducts, metric), name),
          variantKey,
          () => ({
            sumXY: 0,
            sumXWithEvent: 0,
          }),
        );
        product.sumXY += x * total;
        product.sumXWithEvent += x;
      }
    }
  }
  for (const pair of pairs) {
    const [a1 = "", a2 = "", variant = ""] = pair.split("\u0000");
    let sum = 0;
    for (const [entityId, byMetric] of totals) {
      if (winners.get(entityId)!.variantKey !== variant) continue;
      sum += (byMetric.get(a1) ?? 0) * (byMetric.get(a2) ?? 0);
    }
    slot(result.crossProducts, a1)[a2] = { ...slot(result.crossProducts, a1)[a2], [variant]: sum };
  }
  return result;
}

/**
 * Asserts that two nested records have the same keys and numbers within 1e-9 relative
 * (absolute below 1), naming the path of the first difference.
 */
export function expectClose(actual: unknown, expected: unknown, path = "aggregates"): void {
  if (typeof expected === "number") {
    expect(typeof actual, path).toBe("number");
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    expect(
      Math.abs((actual as number) - expected),
      `${path}: ${actual} vs ${expected}`,
    ).toBeLessThanOrEqual(tolerance);
    return;
  }
  const want = expected as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  expect(Object.keys(got ?? {}).sort(), `${path}: keys`).toEqual(Object.keys(want).sort());
  for (const key of Object.keys(want)) expectClose(got[key], want[key], `${path}.${key}`);
}

// --- Internal helpers ---

function slot<T>(record: Record<string, T>, key: string, create?: () => T): T {
  if (!Object.hasOwn(record, key)) record[key] = create ? create() : ({} as T);
  return record[key] as T;
}
