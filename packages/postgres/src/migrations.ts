import { AbkitError } from "@abkit/core";
import type pg from "pg";
import type { Queryable } from "./statements.js";
import type { Tables } from "./tables.js";
import { inTransaction } from "./transactions.js";

/**
 * The schema, one entry per version: entry i moves a schema from version i to i + 1. Entries
 * are not edited once released (a change is a new entry). Keys and ids are `COLLATE "C"`:
 * byte order, so a family of counter ids is a range of the primary key and ids sort as
 * their time-ordered text, whatever the database's collation.
 */
export const MIGRATIONS: readonly ((t: Tables) => string)[] = [
  (t) => `
  CREATE TABLE ${t.definitions} (
    project_id text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    revision integer NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (project_id, kind, key),
    CONSTRAINT definitions_id_key UNIQUE (project_id, kind, id)
  );
  CREATE TABLE ${t.definitionVersions} (
    project_id text COLLATE "C" PRIMARY KEY,
    version bigint NOT NULL
  );

  CREATE TABLE ${t.assignments} (
    project_id text COLLATE "C" NOT NULL,
    experiment_id text COLLATE "C" NOT NULL,
    entity_id text COLLATE "C" NOT NULL,
    variant_key text NOT NULL,
    assigned_at text NOT NULL,
    PRIMARY KEY (project_id, experiment_id, entity_id)
  );
  CREATE TABLE ${t.assignmentCovariates} (
    project_id text COLLATE "C" NOT NULL,
    experiment_id text COLLATE "C" NOT NULL,
    entity_id text COLLATE "C" NOT NULL,
    covariate text COLLATE "C" NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (project_id, experiment_id, entity_id, covariate)
  );

  CREATE TABLE ${t.eventKeys} (
    project_id text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    PRIMARY KEY (project_id, key)
  );
  CREATE TABLE ${t.entityTotals} (
    project_id text COLLATE "C" NOT NULL,
    experiment_id text COLLATE "C" NOT NULL,
    metric_name text COLLATE "C" NOT NULL,
    entity_id text COLLATE "C" NOT NULL,
    events bigint NOT NULL,
    sum double precision NOT NULL,
    PRIMARY KEY (project_id, experiment_id, metric_name, entity_id)
  );
  CREATE TABLE ${t.entityDayTotals} (
    project_id text COLLATE "C" NOT NULL,
    entity_id text COLLATE "C" NOT NULL,
    metric_name text COLLATE "C" NOT NULL,
    day text COLLATE "C" NOT NULL,
    total double precision NOT NULL,
    PRIMARY KEY (project_id, entity_id, metric_name, day)
  );
  CREATE TABLE ${t.counters} (
    project_id text COLLATE "C" NOT NULL,
    experiment_id text COLLATE "C" NOT NULL,
    counter text COLLATE "C" NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (project_id, experiment_id, counter)
  );

  CREATE TABLE ${t.logs} (
    id text COLLATE "C" PRIMARY KEY,
    project_id text COLLATE "C" NOT NULL,
    experiment_id text COLLATE "C" NOT NULL,
    body text NOT NULL
  );
  CREATE INDEX logs_by_experiment ON ${t.logs} (project_id, experiment_id, id);

  CREATE TABLE ${t.projects} (
    id text COLLATE "C" PRIMARY KEY,
    organization_id text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    body text NOT NULL
  );
  CREATE INDEX projects_by_organization ON ${t.projects} (organization_id, created_at, id);
  CREATE TABLE ${t.apiKeys} (
    id text COLLATE "C" PRIMARY KEY,
    organization_id text COLLATE "C" NOT NULL,
    hash text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    revoked_at text,
    body text NOT NULL,
    CONSTRAINT api_keys_hash_key UNIQUE (hash)
  );
  CREATE INDEX api_keys_by_organization ON ${t.apiKeys} (organization_id, created_at, id);
  `,
  // 2: the slices (dimension -> slice key) each new assignment counts in; assignments made
  // before count in no slice.
  (t) => `ALTER TABLE ${t.assignments} ADD COLUMN slices jsonb;`,
  // 3: scores attached to logs, one per (project, log, key); `seq` keeps them in the order
  // they were attached. Logs had none before.
  (t) => `
  CREATE TABLE ${t.logScores} (
    project_id text COLLATE "C" NOT NULL,
    log_id text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    body text NOT NULL,
    PRIMARY KEY (project_id, log_id, key)
  );
  CREATE INDEX log_scores_in_order ON ${t.logScores} (project_id, log_id, seq);
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema to `SCHEMA_VERSION`: creates it and its `schema_migrations` table when
 * missing, then applies each missing version in one transaction that holds an advisory
 * lock on the schema's name, so that processes opening a new schema at once migrate it
 * exactly once (the others wait, then find it done). A schema at a newer version is refused
 * with `store_version_unsupported`, before anything is written.
 *
 * @example
 * await migrate(pool, tablesIn("abkit"), "abkit");
 */
export async function migrate(pool: pg.Pool, t: Tables, schema: string): Promise<void> {
  // The common case, without a lock: the schema is already at this version.
  const exists = await pool.query<{ found: boolean }>(
    "SELECT to_regclass($1) IS NOT NULL AS found",
    [t.migrations],
  );
  if (exists.rows[0]?.found && (await currentVersion(pool, t, schema)) === SCHEMA_VERSION) return;
  await inTransaction(pool, { maxAttempts: 1, prepare: false }, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `abkit migrate ${schema}`,
    ]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (
         version integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    // Read again under the lock: another process may have migrated meanwhile.
    for (let from = await currentVersion(tx, t, schema); from < SCHEMA_VERSION; from++) {
      await tx.query(MIGRATIONS[from]!(t));
      await tx.query(`INSERT INTO ${t.migrations} (version) VALUES ($1)`, [from + 1]);
    }
  });
}

// --- Internal helpers ---

async function currentVersion(db: Queryable, t: Tables, schema: string): Promise<number> {
  const { rows } = await db.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${t.migrations}`,
  );
  const found = rows[0]?.version ?? 0;
  if (found <= SCHEMA_VERSION) return found;
  throw new AbkitError(
    "store_version_unsupported",
    `postgres store: schema "${schema}" has version ${found}, but this @abkit/postgres knows versions up to ${SCHEMA_VERSION}; upgrade @abkit/postgres to open it`,
    { details: { store: "postgres", schema, version: found, supported: SCHEMA_VERSION } },
  );
}
