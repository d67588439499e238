import { AbkitError, exposureDay, type LogRecord, planLog } from "@abkit/core";
import type Database from "better-sqlite3";
import { countersTable } from "./counters.js";

/**
 * The schema, one entry per version: entry i moves a file from version i to i + 1. Entries
 * are not edited once released (a change is a new entry), except to move work to a later
 * entry with the same end result: a file always goes straight to the latest version, in
 * one transaction. The file's version lives in SQLite's `user_version` header field.
 */
export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE definitions (
    project_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (project_id, kind, key)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX definitions_by_id ON definitions (project_id, kind, id);
  CREATE TABLE definition_versions (
    project_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE assignments (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (project_id, experiment_id, entity_id)
  ) WITHOUT ROWID;
  CREATE TABLE exposures (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (project_id, experiment_id, variant_key)
  ) WITHOUT ROWID;

  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    value REAL NOT NULL,
    idempotency_key TEXT,
    timestamp TEXT NOT NULL,
    experiment_ids TEXT NOT NULL
  );
  CREATE UNIQUE INDEX events_by_idempotency_key ON events (project_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
  CREATE TABLE entity_totals (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    events INTEGER NOT NULL,
    sum REAL NOT NULL,
    PRIMARY KEY (project_id, experiment_id, metric_name, entity_id)
  ) WITHOUT ROWID;
  CREATE TABLE aggregates (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    events INTEGER NOT NULL,
    sum REAL NOT NULL,
    sum_squares REAL NOT NULL,
    entities INTEGER NOT NULL,
    PRIMARY KEY (project_id, experiment_id, metric_name, variant_key)
  ) WITHOUT ROWID;

  CREATE TABLE logs (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    body TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX logs_by_experiment ON logs (project_id, experiment_id, id);

  CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    body TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX projects_by_organization ON projects (organization_id);
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    revoked_at TEXT,
    body TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX api_keys_by_organization ON api_keys (organization_id, id);
  `,
  // 2: log metric summaries (count, sum and a quantile sketch per experiment, variant and
  // metric). Not backfilled: every file is migrated straight to the latest version in one
  // transaction, and version 6 rebuilds the summaries from the logs and drops these tables.
  `
  CREATE TABLE log_metrics (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    PRIMARY KEY (project_id, experiment_id, variant_key, metric_name)
  ) WITHOUT ROWID;
  CREATE TABLE log_metric_buckets (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    bucket TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (project_id, experiment_id, variant_key, metric_name, bucket)
  ) WITHOUT ROWID;
  `,
  // 3: exposures per UTC day of the assignment, backfilled from the assignments a version-2
  // file already holds (dated as in `withDayFunction`).
  withDayFunction(
    "abkit_exposure_day",
    `
      CREATE TABLE exposures_by_day (
        project_id TEXT NOT NULL,
        experiment_id TEXT NOT NULL,
        day TEXT NOT NULL,
        variant_key TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (project_id, experiment_id, day, variant_key)
      ) WITHOUT ROWID;
      INSERT INTO exposures_by_day (project_id, experiment_id, day, variant_key, count)
      SELECT project_id, experiment_id, day, variant_key, count(*) FROM (
        SELECT project_id, experiment_id, variant_key, abkit_exposure_day(assigned_at) AS day
        FROM assignments
      ) WHERE day IS NOT NULL
      GROUP BY project_id, experiment_id, day, variant_key;
    `,
  ),
  // 4: covariates kept with new assignments and the CUPED / ratio-metric sums. Existing data
  // has none of them, so nothing is backfilled.
  `
  CREATE TABLE assignment_covariates (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    covariate TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (project_id, experiment_id, entity_id, covariate)
  ) WITHOUT ROWID;
  CREATE TABLE covariates (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    covariate TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    entities INTEGER NOT NULL,
    sum REAL NOT NULL,
    sum_squares REAL NOT NULL,
    PRIMARY KEY (project_id, experiment_id, covariate, variant_key)
  ) WITHOUT ROWID;
  CREATE TABLE covariate_products (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    metric_name TEXT NOT NULL,
    covariate TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    sum_xy REAL NOT NULL,
    sum_x_with_event REAL NOT NULL,
    PRIMARY KEY (project_id, experiment_id, metric_name, covariate, variant_key)
  ) WITHOUT ROWID;
  CREATE TABLE cross_products (
    project_id TEXT NOT NULL,
    experiment_id TEXT NOT NULL,
    metric_a TEXT NOT NULL,
    metric_b TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    sum REAL NOT NULL,
    PRIMARY KEY (project_id, experiment_id, metric_a, metric_b, variant_key)
  ) WITHOUT ROWID;
  `,
  // 5: per-entity daily metric totals (for pre-exposure covariates), backfilled from the
  // accepted events a version-4 file already holds (dated as in `withDayFunction`).
  withDayFunction(
    "abkit_event_day",
    `
      CREATE TABLE entity_day_totals (
        project_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        metric_name TEXT NOT NULL,
        day TEXT NOT NULL,
        total REAL NOT NULL,
        PRIMARY KEY (project_id, entity_id, metric_name, day)
      ) WITHOUT ROWID;
      INSERT INTO entity_day_totals (project_id, entity_id, metric_name, day, total)
      SELECT project_id, entity_id, metric_name, day, sum(value) FROM (
        SELECT project_id, entity_id, metric_name, value, abkit_event_day(timestamp) AS day
        FROM events
      ) WHERE day IS NOT NULL
      GROUP BY project_id, entity_id, metric_name, day;
    `,
  ),
  // 6: every aggregate and log summary becomes a counter (project, experiment, counter id)
  // -> number, the flat map the core's planner moves; the ids are `counterId`'s formats.
  // Aggregates are copied from their tables, which are dropped. Log summaries are rebuilt
  // from the logs by the core's planLog, the one place of that rule: the summary tables of
  // versions 2 to 5 held the same, each written in the transaction that appended its log (a
  // sum may differ in its last bits where logs were appended out of id order).
  (db) => {
    db.exec(`
      CREATE TABLE counters (
        project_id TEXT NOT NULL,
        experiment_id TEXT NOT NULL,
        counter TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (project_id, experiment_id, counter)
      ) WITHOUT ROWID;
      INSERT INTO counters (project_id, experiment_id, counter, value)
      SELECT project_id, experiment_id, 'exposures/' || variant_key, count FROM exposures
      UNION ALL SELECT project_id, experiment_id,
        'exposuresByDay/' || day || '/' || variant_key, count FROM exposures_by_day
      UNION ALL SELECT project_id, experiment_id,
        'metric/' || metric_name || '/' || variant_key || '/events', events FROM aggregates
      UNION ALL SELECT project_id, experiment_id,
        'metric/' || metric_name || '/' || variant_key || '/sum', sum FROM aggregates
      UNION ALL SELECT project_id, experiment_id,
        'metric/' || metric_name || '/' || variant_key || '/sumSquares', sum_squares FROM aggregates
      UNION ALL SELECT project_id, experiment_id,
        'metric/' || metric_name || '/' || variant_key || '/entities', entities FROM aggregates
      UNION ALL SELECT project_id, experiment_id,
        'covariate/' || covariate || '/' || variant_key || '/entities', entities FROM covariates
      UNION ALL SELECT project_id, experiment_id,
        'covariate/' || covariate || '/' || variant_key || '/sum', sum FROM covariates
      UNION ALL SELECT project_id, experiment_id,
        'covariate/' || covariate || '/' || variant_key || '/sumSquares', sum_squares FROM covariates
      UNION ALL SELECT project_id, experiment_id,
        'covariateProduct/' || metric_name || '/' || covariate || '/' || variant_key || '/sumXY',
        sum_xy FROM covariate_products
      UNION ALL SELECT project_id, experiment_id,
        'covariateProduct/' || metric_name || '/' || covariate || '/' || variant_key || '/sumXWithEvent',
        sum_x_with_event FROM covariate_products
      UNION ALL SELECT project_id, experiment_id,
        'crossProduct/' || metric_a || '/' || metric_b || '/' || variant_key, sum FROM cross_products;
      DROP TABLE exposures; DROP TABLE exposures_by_day; DROP TABLE aggregates; DROP TABLE covariates;
      DROP TABLE covariate_products; DROP TABLE cross_products;
      DROP TABLE log_metrics; DROP TABLE log_metric_buckets;
    `);
    const counters = countersTable(db);
    // In pages, by id: better-sqlite3 cannot write while a statement is still iterating.
    const page = db.prepare<[string, number], { id: string; body: string }>(
      "SELECT id, body FROM logs WHERE id > ? ORDER BY id LIMIT ?",
    );
    for (let rows = page.all("", 1000); rows.length > 0; rows = page.all(rows.at(-1)!.id, 1000)) {
      for (const row of rows) counters.add(planLog(JSON.parse(row.body) as LogRecord));
    }
  },
  // 7: the slices (dimension -> slice key, JSON) each new assignment counts in; assignments
  // made before count in no slice.
  "ALTER TABLE assignments ADD COLUMN slices TEXT;",
  // 8: scores attached to logs, one per (project, log, key); `seq` keeps them in the order
  // they were attached. Logs had none before.
  `
  CREATE TABLE log_scores (
    seq INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL,
    log_id TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE UNIQUE INDEX log_scores_by_key ON log_scores (project_id, log_id, key);
  `,
];

/** One schema step: SQL to run, or a function for steps that need code (backfills). */
export type Migration = string | ((db: Database.Database) => void);

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a file to `SCHEMA_VERSION`, in one write transaction so that two processes opening
 * a new file at once migrate it exactly once. A file newer than this code is refused.
 */
export function migrate(db: Database.Database, path: string): void {
  const version = () => {
    const found = db.pragma("user_version", { simple: true }) as number;
    if (found <= SCHEMA_VERSION) return found;
    throw new AbkitError(
      "store_version_unsupported",
      `sqlite store: ${path} has schema version ${found}, but this @abkit/sqlite knows versions up to ${SCHEMA_VERSION}; upgrade @abkit/sqlite to open it`,
      { details: { store: "sqlite", path, version: found, supported: SCHEMA_VERSION } },
    );
  };
  if (version() === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    for (let from = version(); from < SCHEMA_VERSION; from++) {
      const migration = MIGRATIONS[from]!;
      if (typeof migration === "string") db.exec(migration);
      else migration(db);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * A step whose SQL dates rows with `name(time)`: the same exposureDay() that later writes use,
 * so backfilled and new rows bucket a time alike; a time that does not parse stays undated.
 */
function withDayFunction(name: string, sql: string): Migration {
  return (db) => {
    db.function(name, { deterministic: true }, (time) =>
      typeof time === "string" ? exposureDay(time) : null,
    );
    db.exec(sql);
  };
}
