import {
  AbkitError,
  type CounterIncrement,
  type CovariateAggregate,
  type CovariateProduct,
  counterId,
  type MetricAggregate,
} from "@abkit/core";
import type { Collection, Document } from "mongodb";
import type { OpenStore } from "./connection.js";
import { addCounters } from "./counters.js";
import type { VersionDoc } from "./documents.js";
import { inTransaction } from "./transactions.js";

/**
 * The layout this version reads and writes, kept in `meta` as `{ _id: "layout", version }`.
 * 1 (no document): a collection per aggregate family. 2: every aggregate and log summary a
 * document of `counters`, named by core's `counterId`.
 */
export const LAYOUT_VERSION = 2;

const LAYOUT = { _id: "layout" };

/** The layout-1 collections whose documents become counters. */
export const LEGACY_COLLECTIONS = {
  exposures: "exposures",
  aggregates: "aggregates",
  covariates: "covariates",
  covariateProducts: "covariate_products",
  crossProducts: "cross_products",
  logSummaries: "log_summaries",
} as const;

type Counts = Record<string, number>;
type Scope = Record<"projectId" | "experimentId" | "variantKey", string>;

/** A document of each layout-1 collection, as that version wrote it. */
export interface LegacyDoc {
  exposures: Scope & { count: number; days?: Counts };
  aggregates: Scope & { metricName: string } & MetricAggregate;
  covariates: Scope & { covariate: string } & CovariateAggregate;
  covariateProducts: Scope & { metricName: string; covariate: string } & CovariateProduct;
  crossProducts: Scope & { metricA: string; metricB: string; sum: number };
  logSummaries: Scope & { metricName: string; count: number; sum: number; buckets?: Counts };
}

/** The documents of every layout-1 collection. */
export type LegacyDocs = { [K in keyof LegacyDoc]: LegacyDoc[K][] };

/** Throws `store_version_unsupported` for a database a newer abkit laid out. */
export function checkLayout(version: number): void {
  if (version <= LAYOUT_VERSION) return;
  throw new AbkitError(
    "store_version_unsupported",
    `mongodb store: the database has layout version ${version}, but this @abkit/mongodb knows versions up to ${LAYOUT_VERSION}; upgrade @abkit/mongodb to open it`,
    { details: { store: "mongodb", version, supported: LAYOUT_VERSION } },
  );
}

/**
 * The counters that hold what layout-1 documents held. A document layout 1 did not read
 * (a zero count, created ahead of a write that counted nothing) becomes nothing.
 *
 * @example
 * legacyCounters({ ...none, exposures: [{ projectId, experimentId, variantKey: "A", count: 3 }] });
 * // [{ projectId, experimentId, counter: "exposures/A", delta: 3 }]
 */
export function legacyCounters(docs: LegacyDocs): CounterIncrement[] {
  const out: CounterIncrement[] = [];
  const add = ({ projectId, experimentId }: Scope, counter: string, delta: number) =>
    out.push({ projectId, experimentId, counter, delta });
  for (const doc of docs.exposures.filter((d) => d.count > 0)) {
    add(doc, counterId.exposures(doc.variantKey), doc.count);
    for (const [day, n] of Object.entries(doc.days ?? {})) {
      if (n > 0) add(doc, counterId.exposuresByDay(day, doc.variantKey), n);
    }
  }
  for (const doc of docs.aggregates.filter((d) => d.events > 0)) {
    for (const field of ["events", "sum", "sumSquares", "entities"] as const) {
      add(doc, counterId.metric(doc.metricName, doc.variantKey, field), doc[field]);
    }
  }
  for (const doc of docs.covariates.filter((d) => d.entities > 0)) {
    for (const field of ["entities", "sum", "sumSquares"] as const) {
      add(doc, counterId.covariate(doc.covariate, doc.variantKey, field), doc[field]);
    }
  }
  for (const doc of docs.covariateProducts) {
    for (const field of ["sumXY", "sumXWithEvent"] as const) {
      const id = counterId.covariateProduct(doc.metricName, doc.covariate, doc.variantKey, field);
      add(doc, id, doc[field]);
    }
  }
  for (const doc of docs.crossProducts) {
    add(doc, counterId.crossProduct(doc.metricA, doc.metricB, doc.variantKey), doc.sum);
  }
  for (const doc of docs.logSummaries.filter((d) => d.count > 0)) {
    add(doc, counterId.log(doc.variantKey, doc.metricName, "count"), doc.count);
    add(doc, counterId.log(doc.variantKey, doc.metricName, "sum"), doc.sum);
    for (const [bucket, n] of Object.entries(doc.buckets ?? {})) {
      if (n > 0) add(doc, counterId.logBucket(doc.variantKey, doc.metricName, bucket), n);
    }
  }
  return out;
}

/**
 * The layout the database is at (1 without a record); throws `store_version_unsupported`
 * for a newer one, before the store writes anything.
 */
export async function readLayout(meta: Collection<VersionDoc>): Promise<number> {
  const version = (await meta.findOne(LAYOUT))?.version ?? 1;
  checkLayout(version);
  return version;
}

/**
 * Moves a layout-1 database's counters into `counters` in one transaction with the version
 * bump, so the move happens once (processes opening at once conflict, and the one that runs
 * again finds it done) or, when it fails, not at all (the next open tries again). The
 * layout-1 collections are left as they were.
 */
export async function migrateLayout(open: OpenStore, collectionPrefix: string): Promise<void> {
  const { meta, counters } = open.collections;
  // Created outside, so the transaction only updates it (servers before 4.4 create no
  // collection inside a transaction).
  await meta.updateOne(LAYOUT, { $setOnInsert: { version: 1 } }, { upsert: true });
  await inTransaction(open, async (session) => {
    const version = (await meta.findOne(LAYOUT, { session }))?.version ?? 1;
    checkLayout(version);
    if (version === LAYOUT_VERSION) return;
    const read = <T extends Document>(kind: keyof LegacyDoc) =>
      open.db
        .collection<T>(`${collectionPrefix}${LEGACY_COLLECTIONS[kind]}`)
        .find({}, { session, projection: { _id: 0 } })
        .toArray();
    const docs: LegacyDocs = {
      exposures: await read<LegacyDoc["exposures"]>("exposures"),
      aggregates: await read<LegacyDoc["aggregates"]>("aggregates"),
      covariates: await read<LegacyDoc["covariates"]>("covariates"),
      covariateProducts: await read<LegacyDoc["covariateProducts"]>("covariateProducts"),
      crossProducts: await read<LegacyDoc["crossProducts"]>("crossProducts"),
      logSummaries: await read<LegacyDoc["logSummaries"]>("logSummaries"),
    };
    await addCounters(counters, legacyCounters(docs), session);
    await meta.updateOne(LAYOUT, { $set: { version: LAYOUT_VERSION } }, { session });
  });
}
