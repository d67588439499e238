import {
  type ApiKeyRecord,
  type DefinitionKind,
  type DefinitionOf,
  type EventRecord,
  type LogRecord,
  ownEntry,
  type Project,
} from "@abkit/core";
import type { ObjectId } from "mongodb";
import { type EventEntry, partnersOf } from "./productPlan.js";

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

/** An applyEvents batch as received, written in the transaction that counts it. */
export interface EventBatchDoc {
  _id: ObjectId;
  projectId: string;
  events: EventEntry[];
  /** Indexes of the events counted as duplicates. */
  deduped: number[];
}

/** A log: JSON text for the caller's JSON, `{ k, v }` pairs for its metrics. */
export interface LogDoc {
  _id: string;
  projectId: string;
  experimentId: string;
  variantKey: string;
  input?: string;
  output?: string;
  context?: string;
  metrics: { k: string; v: number }[];
  createdAt: string;
}

export interface ProjectDoc {
  _id: string;
  organizationId: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyDoc {
  _id: string;
  organizationId: string;
  projectId: string;
  name: string;
  scopes: ApiKeyRecord["scopes"];
  prefix: string;
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}

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
 * A log record as a document (inserted in the transaction that moves its summaries).
 *
 * @example
 * toLogDoc(log).metrics; // [{ k: "latency_ms", v: 812.5 }, ...]
 */
export function toLogDoc(record: LogRecord): LogDoc {
  const doc: LogDoc = {
    _id: record.id,
    projectId: record.projectId,
    experimentId: record.experimentId,
    variantKey: record.variantKey,
    metrics: Object.entries(record.metrics).map(([k, v]) => ({ k, v })),
    createdAt: record.createdAt,
  };
  // Absent stays absent: the driver would store `undefined` as null.
  if (record.input !== undefined) doc.input = JSON.stringify(record.input);
  if (record.output !== undefined) doc.output = JSON.stringify(record.output);
  if (record.context !== undefined) doc.context = JSON.stringify(record.context);
  return doc;
}

/** The log record a document holds (a fresh object). */
export function fromLogDoc(doc: LogDoc): LogRecord {
  const metrics: Record<string, number> = {};
  for (const { k, v } of doc.metrics) ownEntry(metrics, k, () => v);
  return {
    id: doc._id,
    projectId: doc.projectId,
    experimentId: doc.experimentId,
    variantKey: doc.variantKey,
    input: parseJson(doc.input),
    output: parseJson(doc.output),
    metrics,
    context: parseJson(doc.context),
    createdAt: doc.createdAt,
  };
}

/** A project as a document (its id is the `_id`). */
export function toProjectDoc(project: Project): ProjectDoc {
  return {
    _id: project.id,
    organizationId: project.organizationId,
    name: project.name,
    createdAt: project.createdAt,
  };
}

export function fromProjectDoc(doc: ProjectDoc): Project {
  return {
    id: doc._id,
    organizationId: doc.organizationId,
    name: doc.name,
    createdAt: doc.createdAt,
  };
}

/** An API key record as a document (its id is the `_id`; the hash has a unique index). */
export function toApiKeyDoc(record: ApiKeyRecord): ApiKeyDoc {
  const { id, organizationId, projectId, name, scopes, prefix, hash, createdAt, revokedAt } =
    record;
  return {
    _id: id,
    organizationId,
    projectId,
    name,
    scopes: [...scopes],
    prefix,
    hash,
    createdAt,
    revokedAt,
  };
}

export function fromApiKeyDoc(doc: ApiKeyDoc): ApiKeyRecord {
  const { _id, organizationId, projectId, name, scopes, prefix, hash, createdAt, revokedAt } = doc;
  return {
    id: _id,
    organizationId,
    projectId,
    name,
    scopes: [...scopes],
    prefix,
    hash,
    createdAt,
    revokedAt: revokedAt ?? null,
  };
}

/**
 * An event record as stored in its batch (a copy with exactly the record's fields); its
 * `crossMetrics` become `partners`, a list, so experiment ids stay values, never field names.
 */
export function toEventEntry(event: EventRecord): EventEntry {
  const { id, entityId, metricName, value, idempotencyKey, timestamp, experimentIds } = event;
  const partners = partnersOf(event);
  return {
    id,
    entityId,
    metricName,
    value,
    idempotencyKey,
    timestamp,
    experimentIds: [...experimentIds],
    ...(partners ? { partners } : {}),
    ...(event.undeclaredIn ? { undeclaredIn: [...event.undeclaredIn] } : {}),
  };
}

// --- Internal helpers ---

function parseJson(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}
