import { type EventRecord, planEvents, type RunningTotal } from "@abkit/core";
import type pg from "pg";
import { monotonicFactory } from "ulid";
import type { BenchEvent } from "./events.js";

/**
 * The writes `@abkit/postgres`'s applyEvents makes, on one raw node-postgres client (no input
 * checks, no store wrapper, no pool), with the core's planner for the arithmetic: per batch
 * one READ COMMITTED transaction that claims the idempotency keys, reads the assignments and
 * their covariates, locks the running totals (an upsert returning them), plans, then writes
 * the new totals and adds the daily totals and counters, each in one statement, in the same
 * tables (`schema`) the store created.
 */
export function rawApplier(
  client: pg.ClientBase,
  schema: string,
  projectId: string,
  experimentId: string,
) {
  const ulid = monotonicFactory();
  const t = (table: string) => `"${schema}".${table}`;
  const experimentIds = [experimentId];
  return async (batch: BenchEvent[]) => {
    const timestamp = new Date().toISOString();
    const events: EventRecord[] = batch.map((event) => ({
      ...event,
      id: `evt_${ulid()}`,
      timestamp,
      experimentIds,
    }));
    const entities = [...new Set(events.map((event) => event.entityId))].sort();
    const keys = events.flatMap((event) => event.idempotencyKey ?? []).sort();
    await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
    try {
      const claimed = await client.query<{ key: string }>({
        name: `raw-keys-${schema}`,
        text: `INSERT INTO ${t("event_keys")} (project_id, key) SELECT $1::text, key FROM unnest($2::text[]) AS key
         ON CONFLICT DO NOTHING RETURNING key`,
        values: [projectId, keys],
      });
      const assigned = await client.query<{
        entity_id: string;
        variant_key: string;
        covariates: string[];
        values: number[];
      }>({
        name: `raw-assignments-${schema}`,
        text: `SELECT r.entity_id, a.variant_key,
           ARRAY(SELECT c.covariate FROM ${t("assignment_covariates")} c
                 WHERE c.project_id = $1 AND c.experiment_id = $2 AND c.entity_id = r.entity_id
                 ORDER BY c.covariate) AS covariates,
           ARRAY(SELECT c.value FROM ${t("assignment_covariates")} c
                 WHERE c.project_id = $1 AND c.experiment_id = $2 AND c.entity_id = r.entity_id
                 ORDER BY c.covariate) AS values
         FROM unnest($3::text[]) AS r(entity_id)
         CROSS JOIN LATERAL (
           SELECT variant_key FROM ${t("assignments")}
           WHERE project_id = $1 AND experiment_id = $2 AND entity_id = r.entity_id LIMIT 1
         ) a`,
        values: [projectId, experimentId, entities],
      });
      const variants = new Map<string, string>();
      const covariates = new Map<string, Record<string, number>>();
      for (const row of assigned.rows) {
        variants.set(row.entity_id, row.variant_key);
        if (row.covariates.length === 0) continue;
        covariates.set(
          row.entity_id,
          Object.fromEntries(row.covariates.map((name, i) => [name, row.values[i]!])),
        );
      }
      // The bench's one metric, for the assigned entities, in a fixed order.
      const metric = events[0]!.metricName;
      const locked = entities.filter((entity) => variants.has(entity));
      const totals = await client.query<{ entity_id: string; events: number; sum: number }>({
        name: `raw-lock-${schema}`,
        text: `INSERT INTO ${t("entity_totals")} AS t (project_id, experiment_id, metric_name, entity_id, events, sum)
         SELECT $1::text, $2::text, $3::text, entity_id, 0, 0 FROM unnest($4::text[]) AS entity_id
         ON CONFLICT (project_id, experiment_id, metric_name, entity_id) DO UPDATE SET events = t.events
         RETURNING entity_id, events::float8 AS events, sum`,
        values: [projectId, experimentId, metric, locked],
      });
      const running = new Map<string, RunningTotal>(
        totals.rows.map((row) => [row.entity_id, { events: row.events, sum: row.sum }]),
      );
      const seen = new Set(claimed.rows.map((row) => row.key));
      const plan = planEvents(projectId, events, {
        seen: (key) => !seen.has(key),
        assignment(_experiment, entityId) {
          const variantKey = variants.get(entityId);
          return variantKey === undefined
            ? undefined
            : { variantKey, covariates: covariates.get(entityId) };
        },
        total: (_experiment, _metric, entityId) => running.get(entityId),
        // The bench's metric is declared: the planner never asks.
        aggregatedMetrics: () => new Set(),
      });
      await client.query({
        name: `raw-totals-${schema}`,
        text: `INSERT INTO ${t("entity_totals")} (project_id, experiment_id, metric_name, entity_id, events, sum)
         SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::float8[])
         ON CONFLICT (project_id, experiment_id, metric_name, entity_id)
         DO UPDATE SET events = excluded.events, sum = excluded.sum`,
        values: [
          projectId,
          plan.totals.map((row) => row.experimentId),
          plan.totals.map((row) => row.metricName),
          plan.totals.map((row) => row.entityId),
          plan.totals.map((row) => row.events),
          plan.totals.map((row) => row.sum),
        ],
      });
      const days = [...plan.dayTotals].sort((a, b) =>
        a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0,
      );
      await client.query({
        name: `raw-days-${schema}`,
        text: `INSERT INTO ${t("entity_day_totals")} AS d (project_id, entity_id, metric_name, day, total)
         SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[])
         ON CONFLICT (project_id, entity_id, metric_name, day) DO UPDATE SET total = d.total + excluded.total`,
        values: [
          projectId,
          days.map((row) => row.entityId),
          days.map((row) => row.metricName),
          days.map((row) => row.day),
          days.map((row) => row.delta),
        ],
      });
      const counters = [...plan.counters].sort((a, b) =>
        a.counter < b.counter ? -1 : a.counter > b.counter ? 1 : 0,
      );
      await client.query({
        name: `raw-counters-${schema}`,
        text: `INSERT INTO ${t("counters")} AS c (project_id, experiment_id, counter, value)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[])
         ON CONFLICT (project_id, experiment_id, counter) DO UPDATE SET value = c.value + excluded.value`,
        values: [
          counters.map((row) => row.projectId),
          counters.map((row) => row.experimentId),
          counters.map((row) => row.counter),
          counters.map((row) => row.delta),
        ],
      });
      await client.query("COMMIT");
      return plan.accepted;
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  };
}
