import {
  type ApiKeyRecord,
  type AssignmentRecord,
  type CounterIncrement,
  type DayTotalIncrement,
  type DefinitionKind,
  type DefinitionOf,
  type LogRecord,
  ownEntry,
  type PlannedAssignment,
  type Project,
  type ScoreRecord,
  type StoredAssignment,
  type TotalUpdate,
} from "@abkit/core";
import type { ObjectId } from "mongodb";

/**
 * The documents the store keeps, and the mapping between them and abkit's records. No
 * user-supplied name (metric, variant, condition path, JSON key) is ever a field name:
 * MongoDB gives `$` and `.` in field names meanings, so user JSON is stored as JSON text
 * and user-keyed maps as arrays of `{ k, v }`.
 */

/**
 * A definition: its indexed fields plus the record as JSON text (conditions hold `$in`,
 * `$or` and dotted paths as keys, which must not become field names).
 */
export interface DefinitionDoc {
  _id: ObjectId;
  projectId: string;
  kind: DefinitionKind;
  key: string;
  id: string;
  revision: number;
  body: string;
}

/** The per-project definitions version, and the layout version (`_id: "layout"`, in `meta`). */
export interface VersionDoc {
  _id: string;
  version: number;
}

/** One counter of an experiment, named by core's `counterId`. */
export type CounterDoc = Omit<CounterIncrement, "delta"> & { value: number };

/**
 * The first (and only) assignment of an entity in an experiment, covariates as pairs, the
 * slices it counts in as `{ dimension, slice }` pairs.
 */
export type AssignmentDoc = Omit<AssignmentRecord, "covariates" | "dimensions"> & {
  covariates?: { name: string; value: number }[];
  slices?: { dimension: string; slice: string }[];
};

/** A seen idempotency key (`batchId` only on keys written before layout 2). */
export interface EventKeyDoc {
  projectId: string;
  key: string;
  batchId?: string;
}

/** An entity's running total of one metric in one experiment. */
export type EntityTotalDoc = TotalUpdate & { projectId: string };

/** Σ values of an entity's accepted events of one metric on one UTC day. */
export type EntityDayTotalDoc = Omit<DayTotalIncrement, "delta"> & {
  projectId: string;
  total: number;
};

/**
 * A log: JSON text for the caller's JSON, `{ k, v }` pairs for its metrics, and the scores
 * attached to it, oldest first (absent until the first; see `attachScore` in ./scores.ts).
 */
export type LogDoc = Omit<
  LogRecord,
  "id" | "input" | "output" | "context" | "metrics" | "scores"
> & {
  _id: string;
  input?: string;
  output?: string;
  context?: string;
  metrics: { k: string; v: number }[];
  scores?: ScoreRecord[];
};

export type ProjectDoc = Omit<Project, "id"> & { _id: string };

export type ApiKeyDoc = Omit<ApiKeyRecord, "id"> & { _id: string };

/**
 * A definition record as a document.
 *
 * @example
 * const doc = toDefinitionDoc("segment", segment, new ObjectId());
 * fromDefinitionDoc<"segment">(doc); // deep-equal to segment
 */
export function toDefinitionDoc<K extends DefinitionKind>(
  kind: K,
  record: DefinitionOf<K>,
  _id: ObjectId,
): DefinitionDoc {
  const { projectId, key, id, revision } = record;
  return { _id, projectId, kind, key, id, revision, body: JSON.stringify(record) };
}

/** The record a definition document holds (a fresh object). */
export function fromDefinitionDoc<K extends DefinitionKind>(doc: DefinitionDoc): DefinitionOf<K> {
  return JSON.parse(doc.body) as DefinitionOf<K>;
}

/**
 * An assignment as a document: covariates as `{ name, value }` pairs (names are values).
 *
 * @example
 * toAssignmentDoc(record).covariates; // [{ name: "past_orders", value: 3 }]
 */
export function toAssignmentDoc(record: PlannedAssignment): AssignmentDoc {
  const { projectId, experimentId, entityId, variantKey, assignedAt, covariates } = record;
  const pairs = Object.entries(covariates ?? {}).map(([name, value]) => ({ name, value }));
  const doc: AssignmentDoc = { projectId, experimentId, entityId, variantKey, assignedAt };
  if (pairs.length > 0) doc.covariates = pairs;
  if (record.slices) {
    doc.slices = Object.entries(record.slices).map(([dimension, slice]) => ({ dimension, slice }));
  }
  return doc;
}

/** What the planner reads of a stored assignment (covariates and slices as own keys). */
export function fromAssignmentDoc(doc: AssignmentDoc): StoredAssignment {
  const covariates: Record<string, number> = {};
  for (const { name, value } of doc.covariates ?? []) ownEntry(covariates, name, () => value);
  if (!doc.slices) return { variantKey: doc.variantKey, covariates };
  const slices: Record<string, string> = {};
  for (const { dimension, slice } of doc.slices) ownEntry(slices, dimension, () => slice);
  return { variantKey: doc.variantKey, covariates, slices };
}

/**
 * A log record as a document (inserted in the transaction that moves its summaries); its
 * `scores`, if any, are left out: scores are only attached afterwards.
 *
 * @example
 * toLogDoc(log).metrics; // [{ k: "latency_ms", v: 812.5 }, ...]
 */
export function toLogDoc({
  id,
  input,
  output,
  context,
  metrics,
  scores: _attachedLater,
  ...record
}: LogRecord): LogDoc {
  const doc: LogDoc = {
    _id: id,
    ...record,
    metrics: Object.entries(metrics).map(([k, v]) => ({ k, v })),
  };
  // Absent stays absent: the driver would store `undefined` as null.
  if (input !== undefined) doc.input = JSON.stringify(input);
  if (output !== undefined) doc.output = JSON.stringify(output);
  if (context !== undefined) doc.context = JSON.stringify(context);
  return doc;
}

/** The log record a document holds (a fresh object), without its scores. */
export function fromLogDoc({
  _id,
  input,
  output,
  context,
  metrics,
  scores: _readApart,
  ...doc
}: LogDoc): LogRecord {
  const record: Record<string, number> = {};
  for (const { k, v } of metrics) ownEntry(record, k, () => v);
  const parse = (text: string | undefined): unknown =>
    text === undefined ? undefined : JSON.parse(text);
  return {
    id: _id,
    ...doc,
    input: parse(input),
    output: parse(output),
    metrics: record,
    context: parse(context),
  };
}

/** A project as a document (its id is the `_id`). */
export function toProjectDoc({ id, organizationId, name, createdAt }: Project): ProjectDoc {
  return { _id: id, organizationId, name, createdAt };
}

export function fromProjectDoc({ _id, organizationId, name, createdAt }: ProjectDoc): Project {
  return { id: _id, organizationId, name, createdAt };
}

/** An API key record as a document (its id is the `_id`; the hash has a unique index). */
export function toApiKeyDoc({ id, ...record }: ApiKeyRecord): ApiKeyDoc {
  return { _id: id, ...record, scopes: [...record.scopes] };
}

export function fromApiKeyDoc({ _id, ...doc }: ApiKeyDoc): ApiKeyRecord {
  return { id: _id, ...doc, scopes: [...doc.scopes], revokedAt: doc.revokedAt ?? null };
}
