import type { ObjectId } from "mongodb";

/**
 * The documents that count (counters, running totals, claimed keys) and the journal of
 * assignment batches. Their field names are fixed; user-supplied names (metrics, variants,
 * entities) are only ever values.
 */

/** The per-project definitions version counter. */
export interface VersionDoc {
  _id: string;
  version: number;
}

/** The first (and only) assignment of an entity in an experiment. */
export interface AssignmentDoc {
  projectId: string;
  experimentId: string;
  entityId: string;
  variantKey: string;
  assignedAt: string;
  /** The batch that inserted it: its exposure counts once, under that batch's token. */
  batchId: string;
}

/** A counter document updated once per token (exposures, aggregates, log summaries). */
export interface GuardedDoc {
  /** Tokens of the batches applied to it whose clean-up is not done yet. */
  pending: string[];
}

export interface ExposureDoc extends GuardedDoc {
  projectId: string;
  experimentId: string;
  variantKey: string;
  count: number;
}

/** A claimed idempotency key: the batch that claimed it first is the one that counts it. */
export interface EventKeyDoc {
  projectId: string;
  key: string;
  batchId: string;
}

/** An entity's running total for (experiment, metric). */
export interface EntityTotalDoc {
  projectId: string;
  experimentId: string;
  metricName: string;
  entityId: string;
  events: number;
  sum: number;
  /** Per batch applied and not yet cleaned up: the total just before that batch. */
  pending: { batch: string; sum: number; events: number }[];
}

export interface AggregateDoc extends GuardedDoc {
  projectId: string;
  experimentId: string;
  metricName: string;
  variantKey: string;
  events: number;
  sum: number;
  sumSquares: number;
  entities: number;
}

export interface LogSummaryDoc extends GuardedDoc {
  projectId: string;
  experimentId: string;
  variantKey: string;
  metricName: string;
  count: number;
  sum: number;
  /** Sketch bucket id (`z`, `p241`, `n-3`: generated, never user input) -> count. */
  buckets: Record<string, number>;
}

/** A recordAssignments batch not fully applied yet (deleted once it is). */
export interface AssignmentBatchDoc {
  _id: ObjectId;
  state: "pending";
  lease: Date;
  records: {
    projectId: string;
    experimentId: string;
    entityId: string;
    variantKey: string;
    assignedAt: string;
  }[];
}
