import {
  crossPair,
  crossPartners,
  type EventRecord,
  type ExperimentAggregates,
  ownEntry,
} from "@abkit/core";
import type Database from "better-sqlite3";

/**
 * The CUPED and ratio-metric sums: covariates kept with new assignments, their products with
 * metric totals, and products of two metrics' totals. Every function runs inside the
 * caller's transaction.
 */
export interface ProductWriter {
  /** Keeps a new assignment's covariates and counts them in its variant. */
  addCovariates(
    projectId: string,
    experimentId: string,
    entityId: string,
    variantKey: string,
    covariates: Record<string, number>,
  ): void;
  /**
   * Moves the products by one accepted event, before the entity's own running total moves;
   * `firstEvent` is whether it is the entity's first event of the metric.
   */
  addProducts(
    projectId: string,
    experimentId: string,
    variantKey: string,
    event: EventRecord,
    firstEvent: boolean,
  ): void;
  /** The three product maps of an experiment. */
  read(
    projectId: string,
    experimentId: string,
  ): Pick<ExperimentAggregates, "covariates" | "covariateProducts" | "crossProducts">;
}

export function productWriter(db: Database.Database): ProductWriter {
  const insertCovariate = db.prepare(
    `INSERT INTO assignment_covariates (project_id, experiment_id, entity_id, covariate, value)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const bumpCovariate = db.prepare(
    `INSERT INTO covariates (project_id, experiment_id, covariate, variant_key, entities, sum, sum_squares)
     VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO UPDATE SET entities = entities + 1,
       sum = sum + excluded.sum, sum_squares = sum_squares + excluded.sum_squares`,
  );
  const selectEntityCovariates = db.prepare<
    [string, string, string],
    { covariate: string; value: number }
  >(
    `SELECT covariate, value FROM assignment_covariates
     WHERE project_id = ? AND experiment_id = ? AND entity_id = ?`,
  );
  const bumpCovariateProduct = db.prepare(
    `INSERT INTO covariate_products
       (project_id, experiment_id, metric_name, covariate, variant_key, sum_xy, sum_x_with_event)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET sum_xy = sum_xy + excluded.sum_xy,
       sum_x_with_event = sum_x_with_event + excluded.sum_x_with_event`,
  );
  const selectTotal = db.prepare<[string, string, string, string], { sum: number }>(
    `SELECT sum FROM entity_totals
     WHERE project_id = ? AND experiment_id = ? AND metric_name = ? AND entity_id = ?`,
  );
  const bumpCrossProduct = db.prepare(
    `INSERT INTO cross_products (project_id, experiment_id, metric_a, metric_b, variant_key, sum)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET sum = sum + excluded.sum`,
  );
  const selectCovariates = db.prepare<
    [string, string],
    { covariate: string; variant_key: string; entities: number; sum: number; sum_squares: number }
  >(
    `SELECT covariate, variant_key, entities, sum, sum_squares FROM covariates
     WHERE project_id = ? AND experiment_id = ?`,
  );
  const selectCovariateProducts = db.prepare<
    [string, string],
    {
      metric_name: string;
      covariate: string;
      variant_key: string;
      sum_xy: number;
      sum_x_with_event: number;
    }
  >(
    `SELECT metric_name, covariate, variant_key, sum_xy, sum_x_with_event FROM covariate_products
     WHERE project_id = ? AND experiment_id = ?`,
  );
  const selectCrossProducts = db.prepare<
    [string, string],
    { metric_a: string; metric_b: string; variant_key: string; sum: number }
  >(
    `SELECT metric_a, metric_b, variant_key, sum FROM cross_products
     WHERE project_id = ? AND experiment_id = ?`,
  );

  return {
    addCovariates(projectId, experimentId, entityId, variantKey, covariates) {
      for (const [name, x] of Object.entries(covariates)) {
        insertCovariate.run(projectId, experimentId, entityId, name, x);
        bumpCovariate.run(projectId, experimentId, name, variantKey, x, x * x);
      }
    },

    addProducts(projectId, experimentId, variantKey, event, firstEvent) {
      const { entityId, metricName, value } = event;
      for (const { covariate, value: x } of selectEntityCovariates.all(
        projectId,
        experimentId,
        entityId,
      )) {
        bumpCovariateProduct.run(
          projectId,
          experimentId,
          metricName,
          covariate,
          variantKey,
          x * value,
          firstEvent ? x : 0,
        );
      }
      for (const partner of crossPartners(event, experimentId)) {
        const total = selectTotal.get(projectId, experimentId, partner, entityId)?.sum ?? 0;
        const [a1, a2] = crossPair(metricName, partner);
        bumpCrossProduct.run(projectId, experimentId, a1, a2, variantKey, value * total);
      }
    },

    read(projectId, experimentId) {
      const result: ReturnType<ProductWriter["read"]> = {
        covariates: {},
        covariateProducts: {},
        crossProducts: {},
      };
      for (const row of selectCovariates.all(projectId, experimentId)) {
        ownEntry(
          ownEntry(result.covariates, row.covariate, () => ({})),
          row.variant_key,
          () => ({
            entities: row.entities,
            sum: row.sum,
            sumSquares: row.sum_squares,
          }),
        );
      }
      for (const row of selectCovariateProducts.all(projectId, experimentId)) {
        const byCovariate = ownEntry(result.covariateProducts, row.metric_name, () => ({}));
        ownEntry(
          ownEntry(byCovariate, row.covariate, () => ({})),
          row.variant_key,
          () => ({
            sumXY: row.sum_xy,
            sumXWithEvent: row.sum_x_with_event,
          }),
        );
      }
      for (const row of selectCrossProducts.all(projectId, experimentId)) {
        const byA2 = ownEntry(result.crossProducts, row.metric_a, () => ({}));
        ownEntry(
          ownEntry(byA2, row.metric_b, () => ({})),
          row.variant_key,
          () => row.sum,
        );
      }
      return result;
    },
  };
}
