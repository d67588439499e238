import { type Collection, type Db, type Document, MongoServerError } from "mongodb";
import type {
  AggregateDoc,
  AssignmentDoc,
  CovariateDoc,
  CovariateProductDoc,
  CrossProductDoc,
  EntityDayTotalDoc,
  EntityTotalDoc,
  EventKeyDoc,
  ExposureDoc,
  LogSummaryDoc,
  VersionDoc,
} from "./counterDocs.js";
import type { ApiKeyDoc, DefinitionDoc, EventBatchDoc, LogDoc, ProjectDoc } from "./documents.js";
import { DEFAULT_COLLECTION_PREFIX } from "./options.js";

/** The store's collections, by the name each gets after the prefix. */
export const COLLECTION_NAMES = {
  definitions: "definitions",
  versions: "definition_versions",
  assignments: "assignments",
  exposures: "exposures",
  eventBatches: "event_batches",
  eventKeys: "event_keys",
  entityTotals: "entity_totals",
  entityDayTotals: "entity_day_totals",
  aggregates: "aggregates",
  covariates: "covariates",
  covariateProducts: "covariate_products",
  crossProducts: "cross_products",
  logs: "logs",
  logSummaries: "log_summaries",
  projects: "projects",
  apiKeys: "api_keys",
} as const;

export type CollectionKey = keyof typeof COLLECTION_NAMES;

/** One index the store relies on. */
export interface IndexSpec {
  collection: CollectionKey;
  name: string;
  key: Record<string, 1 | -1>;
  unique?: true;
  partialFilterExpression?: Document;
}

/**
 * Every index the store creates (besides `_id`). The unique ones are what make the contract
 * hold across processes: one winner per key, assignment, idempotency key and log id (the
 * `_id` of logs), one counter document per (experiment, variant, metric).
 *
 * @example
 * INDEXES.filter((index) => index.unique).map((index) => index.name);
 */
export const INDEXES: readonly IndexSpec[] = [
  {
    collection: "definitions",
    name: "project_kind_key",
    key: { projectId: 1, kind: 1, key: 1 },
    unique: true,
  },
  {
    collection: "definitions",
    name: "project_kind_id",
    key: { projectId: 1, kind: 1, id: 1 },
    unique: true,
  },
  {
    collection: "assignments",
    name: "project_experiment_entity",
    key: { projectId: 1, experimentId: 1, entityId: 1 },
    unique: true,
  },
  {
    collection: "exposures",
    name: "project_experiment_variant",
    key: { projectId: 1, experimentId: 1, variantKey: 1 },
    unique: true,
  },
  { collection: "eventKeys", name: "project_key", key: { projectId: 1, key: 1 }, unique: true },
  {
    collection: "entityTotals",
    name: "project_experiment_metric_entity",
    key: { projectId: 1, experimentId: 1, metricName: 1, entityId: 1 },
    unique: true,
  },
  {
    collection: "entityDayTotals",
    name: "project_entity_metric_day",
    key: { projectId: 1, entityId: 1, metricName: 1, day: 1 },
    unique: true,
  },
  {
    collection: "aggregates",
    name: "project_experiment_metric_variant",
    key: { projectId: 1, experimentId: 1, metricName: 1, variantKey: 1 },
    unique: true,
  },
  {
    collection: "covariates",
    name: "project_experiment_covariate_variant",
    key: { projectId: 1, experimentId: 1, covariate: 1, variantKey: 1 },
    unique: true,
  },
  {
    collection: "covariateProducts",
    name: "project_experiment_metric_covariate_variant",
    key: { projectId: 1, experimentId: 1, metricName: 1, covariate: 1, variantKey: 1 },
    unique: true,
  },
  {
    collection: "crossProducts",
    name: "project_experiment_metrics_variant",
    key: { projectId: 1, experimentId: 1, metricA: 1, metricB: 1, variantKey: 1 },
    unique: true,
  },
  {
    collection: "logs",
    name: "project_experiment_id",
    key: { projectId: 1, experimentId: 1, _id: -1 },
  },
  {
    collection: "logSummaries",
    name: "project_experiment_variant_metric",
    key: { projectId: 1, experimentId: 1, variantKey: 1, metricName: 1 },
    unique: true,
  },
  {
    collection: "projects",
    name: "organization_created",
    key: { organizationId: 1, createdAt: 1, _id: 1 },
  },
  { collection: "apiKeys", name: "hash", key: { hash: 1 }, unique: true },
  {
    collection: "apiKeys",
    name: "organization_created",
    key: { organizationId: 1, createdAt: 1, _id: 1 },
  },
];

/** The store's collections, typed by the documents they hold. */
export interface Collections {
  definitions: Collection<DefinitionDoc>;
  versions: Collection<VersionDoc>;
  assignments: Collection<AssignmentDoc>;
  exposures: Collection<ExposureDoc>;
  eventBatches: Collection<EventBatchDoc>;
  eventKeys: Collection<EventKeyDoc>;
  entityTotals: Collection<EntityTotalDoc>;
  entityDayTotals: Collection<EntityDayTotalDoc>;
  aggregates: Collection<AggregateDoc>;
  covariates: Collection<CovariateDoc>;
  covariateProducts: Collection<CovariateProductDoc>;
  crossProducts: Collection<CrossProductDoc>;
  logs: Collection<LogDoc>;
  logSummaries: Collection<LogSummaryDoc>;
  projects: Collection<ProjectDoc>;
  apiKeys: Collection<ApiKeyDoc>;
}

/** Handles of every collection of a store in `db` (no round trip). */
export function collectionsOf(db: Db, collectionPrefix: string): Collections {
  const entries = Object.entries(COLLECTION_NAMES).map(([key, name]) => [
    key,
    db.collection(`${collectionPrefix}${name}`),
  ]);
  return Object.fromEntries(entries) as Collections;
}

/**
 * Creates the store's indexes (and so its collections) if missing; idempotent, and safe
 * when several processes open the store at once. The store runs it on open; call it
 * yourself to prepare a database ahead of deployment.
 *
 * @example
 * import { MongoClient } from "mongodb";
 * import { ensureIndexes } from "@abkit/mongodb";
 *
 * const client = await new MongoClient(process.env.MONGODB_URL!).connect();
 * await ensureIndexes(client.db("abkit"));
 */
export async function ensureIndexes(
  db: Db,
  options: { collectionPrefix?: string } = {},
): Promise<void> {
  const prefix = options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX;
  const byCollection = new Map<CollectionKey, IndexSpec[]>();
  for (const index of INDEXES) {
    byCollection.set(index.collection, [...(byCollection.get(index.collection) ?? []), index]);
  }
  await Promise.all(
    [...byCollection].map(([collection, indexes]) =>
      createIndexes(db.collection(`${prefix}${COLLECTION_NAMES[collection]}`), indexes),
    ),
  );
}

// --- Internal helpers ---

// Several processes opening a new database race to create the same collections and
// indexes; createIndexes is idempotent, so a server error (a creation race) is retried.
async function createIndexes(
  collection: Collection,
  indexes: IndexSpec[],
  attempt = 1,
): Promise<void> {
  try {
    await collection.createIndexes(
      indexes.map(({ key, name, unique, partialFilterExpression }) => ({
        key,
        name,
        ...(unique ? { unique } : {}),
        ...(partialFilterExpression ? { partialFilterExpression } : {}),
      })),
    );
  } catch (error) {
    if (!(error instanceof MongoServerError) || attempt >= 3) throw error;
    await createIndexes(collection, indexes, attempt + 1);
  }
}
