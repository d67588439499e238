import { createHash } from "node:crypto";
import type pg from "pg";

/** Runs statements: a pooled connection in a transaction, or the pool itself. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * Wraps a client or pool so that each statement with parameters is a named prepared
 * statement: the server parses and plans it once per connection instead of on every call
 * (a batch's statements run thousands of times). Statements without parameters (BEGIN,
 * COMMIT, migrations of several statements) are sent as they are. With `prepare` false
 * (for poolers that cannot keep prepared statements, see docs/postgres.md) every
 * statement is sent unnamed.
 *
 * @example
 * const tx = preparing(client, true);
 * await tx.query("SELECT variant_key FROM ... WHERE project_id = $1", [projectId]);
 */
export function preparing(target: pg.Pool | pg.PoolClient, prepare: boolean): Queryable {
  return {
    query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      if (!prepare || values === undefined) return target.query<R>(text, values);
      return target.query<R>({ name: nameOf(text), text, values });
    },
  };
}

// --- Internal helpers ---

// One name per text, so two texts never share a name on a connection.
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `abkit_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
