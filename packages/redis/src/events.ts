import {
  aggregatesFromCounters,
  dayRange,
  declaredIn,
  type EventStore,
  exposureDay,
  ownEntry,
} from "@abkit/core";
import type { Connection } from "./connection.js";
import { aggregateCounters } from "./counters.js";
import { replyOf } from "./definitions.js";
import { scriptError } from "./errors.js";
import { encodeCaps, encodeCovariates, encodePartners, encodeSlices } from "./products.js";

const SEPARATOR = "\u0000";
const MAX_HMGET_FIELDS = 4096;

/** Assignments, event batches and aggregates: each write is one Lua script (atomic). */
export function eventMethods({ client, keys, script, run }: Connection): EventStore {
  return {
    recordAssignments: (assignments) =>
      run(async () => {
        // One script per (project, experiment): its keys share a slot.
        const groups = new Map<string, number[]>();
        assignments.forEach((record, index) => {
          const group = `${record.projectId}${SEPARATOR}${record.experimentId}`;
          groups.set(group, [...(groups.get(group) ?? []), index]);
        });
        const stored: string[] = new Array(assignments.length);
        await Promise.all(
          [...groups.values()].map(async (indexes) => {
            const first = assignments[indexes[0]!]!;
            const k = keys.project(first.projectId);
            const winners = (await script(
              "recordAssignments",
              [
                k.assignments(first.experimentId),
                k.exposures(first.experimentId),
                k.exposuresByDay(first.experimentId),
                k.entityCovariates(first.experimentId),
                k.covariates(first.experimentId),
                k.entitySlices(first.experimentId),
                k.slices(first.experimentId),
              ],
              indexes.flatMap((i) => {
                const { entityId, variantKey, assignedAt, covariates, dimensions } =
                  assignments[i]!;
                return [
                  entityId,
                  variantKey,
                  exposureDay(assignedAt) ?? "",
                  encodeCovariates(covariates),
                  encodeSlices(dimensions),
                ];
              }),
            )) as string[];
            indexes.forEach((i, position) => {
              stored[i] = winners[position]!;
            });
          }),
        );
        return stored;
      }),

    getAssignment: (projectId, experimentId, entityId) =>
      run(
        async () =>
          (await client.hget(keys.project(projectId).assignments(experimentId), entityId)) ?? null,
      ),

    applyEvents: (projectId, events) =>
      run(async () => {
        if (events.length === 0) return { accepted: 0, deduped: 0 };
        const k = keys.project(projectId);
        const experiments = [...new Set(events.flatMap((event) => event.experimentIds))];
        const position = new Map(experiments.map((id, index) => [id, index + 1]));
        const eventKeys = [k.idempotencyKeys, k.events];
        for (const id of experiments) {
          eventKeys.push(
            k.assignments(id),
            k.entityCovariates(id),
            k.totals(id),
            k.aggregates(id),
            k.products(id),
            k.metricNames(id),
            k.entitySlices(id),
            k.slices(id),
          );
        }
        // Each entity's daily totals hash follows the experiments' keys, once per entity.
        const entityKey = new Map<string, number>();
        for (const { entityId } of events) {
          if (entityKey.has(entityId)) continue;
          eventKeys.push(k.entityDays(entityId));
          entityKey.set(entityId, eventKeys.length);
        }
        const args: (string | number)[] = [events.length];
        for (const event of events) {
          args.push(
            event.entityId,
            event.metricName,
            String(event.value),
            event.idempotencyKey ?? "",
            // "u" marks an experiment that does not declare the metric (capped there).
            event.experimentIds
              .map((id) => `${declaredIn(event, id) ? "" : "u"}${position.get(id)}`)
              .join(","),
            JSON.stringify(event),
            encodePartners(event),
            entityKey.get(event.entityId)!,
            exposureDay(event.timestamp) ?? "",
            encodeCaps(event),
          );
        }
        const [first, second] = (await script("applyEvents", eventKeys, args)) as [number, number];
        if (first < 0) throw scriptError(first, { detail: second });
        return { accepted: first, deduped: second };
      }),

    readEntityTotals: (projectId, requests) =>
      run(async () => {
        const k = keys.project(projectId);
        // One MULTI: every request sees the same applied batches.
        const multi = client.multi();
        let commands = 0;
        const plans = requests.map(({ entityId, metrics, fromDay, toDay }) => {
          const days = dayRange(fromDay, toDay);
          const names = [...new Set(metrics)];
          const fields = names.flatMap((metric) => days.map((day) => dayField(metric, day)));
          if (fields.length === 0) return { fields, reply: -1, whole: false };
          // Past a few thousand fields, the entity's whole history is the cheaper read.
          const whole = fields.length > MAX_HMGET_FIELDS;
          if (whole) multi.hgetall(k.entityDays(entityId));
          else multi.hmget(k.entityDays(entityId), ...fields);
          return { fields, reply: commands++, whole };
        });
        // A queued MULTI sends nothing until exec(), so one without commands is just dropped.
        const replies = commands > 0 ? await multi.exec() : null;
        return requests.map(({ metrics }, index) => {
          const { fields, reply, whole } = plans[index]!;
          const sums = new Map<string, number>();
          if (reply >= 0 && whole) {
            const hash = replyOf<Record<string, string>>(replies, reply) ?? {};
            for (const field of fields) {
              if (Object.hasOwn(hash, field)) add(sums, field, Number(hash[field]));
            }
          } else if (reply >= 0) {
            const values = replyOf<(string | null)[]>(replies, reply) ?? [];
            fields.forEach((field, f) => {
              const value = values[f];
              if (value !== null && value !== undefined) add(sums, field, Number(value));
            });
          }
          const totals: Record<string, number> = {};
          for (const metric of metrics) ownEntry(totals, metric, () => sums.get(metric) ?? 0);
          return totals;
        });
      }),

    readAggregates: (projectId, experimentId) =>
      run(async () => {
        const k = keys.project(projectId);
        const replies = await client
          .multi()
          .hgetall(k.exposures(experimentId))
          .hgetall(k.aggregates(experimentId))
          .hgetall(k.exposuresByDay(experimentId))
          .hgetall(k.covariates(experimentId))
          .hgetall(k.products(experimentId))
          .hgetall(k.slices(experimentId))
          .exec();
        const hash = (index: number) => replyOf<Record<string, string>>(replies, index) ?? {};
        return aggregatesFromCounters(
          aggregateCounters({
            exposures: hash(0),
            metrics: hash(1),
            exposuresByDay: hash(2),
            covariates: hash(3),
            products: hash(4),
            slices: hash(5),
          }),
        );
      }),
  };
}

// --- Internal helpers ---

// A daily totals field: `metric NUL day` (neither part holds NUL).
function dayField(metric: string, day: string): string {
  return `${metric}${SEPARATOR}${day}`;
}

// Adds a field's value to the sum of its metric.
function add(sums: Map<string, number>, field: string, value: number): void {
  const metric = field.slice(0, field.indexOf(SEPARATOR));
  sums.set(metric, (sums.get(metric) ?? 0) + value);
}
