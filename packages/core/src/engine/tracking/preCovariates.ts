import { exposureDay } from "../../store/days.js";
import { MAX_ENTITY_TOTALS_REQUESTS } from "../../store/entityTotalsChecks.js";
import type { AssignmentRecord, EntityTotalsRequest, Store } from "../../store.js";
import type { PreCovariate } from "../evaluation/compile.js";

/** An assignment as the queue holds it: with the pre-period covariates still to read. */
export interface QueuedAssignment extends AssignmentRecord {
  preCovariates?: PreCovariate[];
}

/**
 * The records as the store takes them, each pre-period covariate read from the entity's
 * tracked history: the metric's total over the `days` UTC days before the day of first
 * exposure (that day excluded, so nothing the variant caused can leak in). One store call
 * per project in the batch and per `MAX_ENTITY_TOTALS_REQUESTS` covariates, the most one
 * read takes.
 */
export async function withPreCovariates(
  store: Store,
  batch: QueuedAssignment[],
): Promise<AssignmentRecord[]> {
  // Most experiments have none: the batch goes to the store as it is, copied by nobody.
  if (!batch.some((record) => record.preCovariates)) return batch;
  // Where each answer goes: the record's index and the covariate's name and metric.
  const targets = new Map<string, { index: number; name: string; metric: string }[]>();
  const requests = new Map<string, EntityTotalsRequest[]>();
  batch.forEach((record, index) => {
    const day = exposureDay(record.assignedAt);
    if (day === null) return;
    for (const covariate of record.preCovariates ?? []) {
      const list = requests.get(record.projectId) ?? [];
      list.push({
        entityId: record.entityId,
        metrics: [covariate.metric],
        fromDay: daysBefore(day, covariate.days),
        toDay: day,
      });
      requests.set(record.projectId, list);
      const slots = targets.get(record.projectId) ?? [];
      slots.push({ index, name: covariate.name, metric: covariate.metric });
      targets.set(record.projectId, slots);
    }
  });
  const records: AssignmentRecord[] = batch.map(({ preCovariates: _, ...record }) => record);
  for (const [projectId, list] of requests) {
    const slots = targets.get(projectId) ?? [];
    for (let start = 0; start < list.length; start += MAX_ENTITY_TOTALS_REQUESTS) {
      const end = start + MAX_ENTITY_TOTALS_REQUESTS;
      const answers = await store.readEntityTotals(projectId, list.slice(start, end));
      slots.slice(start, end).forEach(({ index, name, metric }, at) => {
        const record = records[index] as AssignmentRecord;
        const total = answers[at]?.[metric] ?? 0;
        record.covariates = { ...record.covariates, [name]: total };
      });
    }
  }
  return records;
}

// --- Internal helpers ---

const DAY_MS = 86_400_000;

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}
