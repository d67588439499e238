import { type Collection, type Db, MongoServerError } from "mongodb";
import type {
  ApiKeyDoc,
  AssignmentDoc,
  CounterDoc,
  DefinitionDoc,
  EntityDayTotalDoc,
  EntityTotalDoc,
  EventKeyDoc,
  LogDoc,
  ProjectDoc,
  VersionDoc,
} from "./documents.js";
import { DEFAULT_COLLECTION_PREFIX } from "./options.js";

/** The store's collections, by the name each gets after the prefix. */
export const COLLECTION_NAMES = {
  definitions: "definitions",
  versions: "definition_versions",
  assignments: "assignments",
  eventKeys: "event_keys",
  entityTotals: "entity_totals",
  entityDayTotals: "entity_day_totals",
  counters: "counters",
  logs: "logs",
  projects: "projects",
  apiKeys: "api_keys",
  meta: "meta",
} as const;

export type CollectionKey = keyof typeof COLLECTION_NAMES;

/** One index the store relies on. */
export interface IndexSpec {
  collection: CollectionKey;
  name: string;
  key: Record<string, 1 | -1>;
  unique?: true;
}

/**
 * Every index the store creates (besides `_id`). The unique ones are what make the contract
 * hold across processes: one winner per key, assignment, idempotency key and log id (the
 * `_id` of logs), one document per counter, running total and daily total.
 *
 * @example
 * INDEXES.filter((index) => index.unique).map((index) => index.name);
 */
export const INDEXES: readonly IndexSpec[] = (
  [
    // collection, name, fields (`-` before a field: descending), unique
    ["definitions", "project_kind_key", "projectId kind key", true],
    ["definitions", "project_kind_id", "projectId kind id", true],
    ["assignments", "project_experiment_entity", "projectId experimentId entityId", true],
    ["eventKeys", "project_key", "projectId key", true],
    [
      "entityTotals",
      "project_experiment_metric_entity",
      "projectId experimentId metricName entityId",
      true,
    ],
    ["entityDayTotals", "project_entity_metric_day", "projectId entityId metricName day", true],
    ["counters", "project_experiment_counter", "projectId experimentId counter", true],
    ["logs", "project_experiment_id", "projectId experimentId -_id", false],
    ["projects", "organization_created", "organizationId createdAt _id", false],
    ["apiKeys", "hash", "hash", true],
    ["apiKeys", "organization_created", "organizationId createdAt _id", false],
  ] as const
).map(([collection, name, fields, unique]) => ({
  collection,
  name,
  key: Object.fromEntries(
    fields.split(" ").map((f) => (f.startsWith("-") ? [f.slice(1), -1 as const] : [f, 1 as const])),
  ),
  ...(unique ? { unique } : {}),
}));

/** The store's collections, typed by the documents they hold. */
export interface Collections {
  definitions: Collection<DefinitionDoc>;
  versions: Collection<VersionDoc>;
  assignments: Collection<AssignmentDoc>;
  eventKeys: Collection<EventKeyDoc>;
  entityTotals: Collection<EntityTotalDoc>;
  entityDayTotals: Collection<EntityDayTotalDoc>;
  counters: Collection<CounterDoc>;
  logs: Collection<LogDoc>;
  projects: Collection<ProjectDoc>;
  apiKeys: Collection<ApiKeyDoc>;
  meta: Collection<VersionDoc>;
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
  const collections = new Set(INDEXES.map((index) => index.collection));
  await Promise.all(
    [...collections].map((collection) =>
      createIndexes(
        db.collection(`${prefix}${COLLECTION_NAMES[collection]}`),
        INDEXES.filter((index) => index.collection === collection),
      ),
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
      indexes.map(({ key, name, unique }) => ({ key, name, ...(unique ? { unique } : {}) })),
    );
  } catch (error) {
    if (!(error instanceof MongoServerError) || attempt >= 3) throw error;
    await createIndexes(collection, indexes, attempt + 1);
  }
}
