import { type Db, type Document, MongoServerError } from "mongodb";

/** How long an applier may write for a journal entry before recovery may take it over. */
export const LEASE_MS = 30_000;
/** Extra time recovery waits past a lease, for clock adjustments on the server. */
export const GRACE_MS = 5_000;
/** How often the estimate of the server's clock is refreshed. */
const RESYNC_MS = 60_000;

/** What `hello` told about the deployment. */
export interface ServerInfo {
  /** A replica set member or a mongos: multi-document transactions are available. */
  transactions: boolean;
  /** The server's clock minus this process's, in ms (estimated over one round trip). */
  offsetMs: number;
}

/**
 * Asks the server what it is, once: `setName` in the `hello` reply means a replica set,
 * `msg: "isdbgrid"` a mongos (both run transactions); `localTime` gives its clock.
 *
 * @example
 * const { transactions } = await describeServer(client.db("abkit"));
 */
export async function describeServer(db: Db): Promise<ServerInfo> {
  const sent = Date.now();
  const hello = await helloOf(db);
  const received = Date.now();
  const localTime = hello.localTime instanceof Date ? hello.localTime.getTime() : undefined;
  return {
    transactions: typeof hello.setName === "string" || hello.msg === "isdbgrid",
    offsetMs: localTime === undefined ? 0 : localTime - (sent + received) / 2,
  };
}

/**
 * This process's estimate of the server's clock. Leases are compared with `$$NOW` on the
 * server, so they are set from the server's time, not this machine's.
 */
export interface ServerClock {
  /** The server's current time, estimated, in epoch ms. */
  now(): number;
  /** The end of a lease starting now (refreshing the clock estimate when it is old). */
  leaseUntil(): Promise<Date>;
}

/** A clock starting from `offsetMs` (see `describeServer`), refreshed once a minute. */
export function createServerClock(db: Db, offsetMs: number): ServerClock {
  let offset = offsetMs;
  let syncedAt = Date.now();
  const now = () => Date.now() + offset;
  return {
    now,
    async leaseUntil() {
      if (Date.now() - syncedAt > RESYNC_MS) {
        offset = (await describeServer(db)).offsetMs;
        syncedAt = Date.now();
      }
      return new Date(now() + LEASE_MS);
    },
  };
}

/**
 * A filter clause true only while the server's clock (`$$NOW`) is before `lease`: a write
 * carrying it lands only while its applier still owns the journal entry. (`$expr` is not
 * allowed in an upsert's filter: such writes target documents that already exist.)
 *
 * @example
 * await aggregates.updateOne({ ...key, ...beforeLease(lease) }, update);
 */
export function beforeLease(lease: Date): Document {
  return { $expr: { $lt: ["$$NOW", lease] } };
}

/**
 * The filter of journal entries still pending whose lease ran out (plus `GRACE_MS`) on the
 * server's clock. The `lease` range uses the partial index; `$expr` makes it exact.
 */
export function leaseExpired(clock: ServerClock): Document {
  return {
    state: "pending",
    lease: { $lt: new Date(clock.now() - GRACE_MS) },
    $expr: { $lt: ["$lease", { $subtract: ["$$NOW", GRACE_MS] }] },
  };
}

// --- Internal helpers ---

// `hello` exists from MongoDB 4.4.2 (and late 4.2/4.0 patches); older servers answer to isMaster.
async function helloOf(db: Db): Promise<Document> {
  try {
    return await db.command({ hello: 1 });
  } catch (error) {
    if (error instanceof MongoServerError && error.code === 59) return db.command({ isMaster: 1 });
    throw error;
  }
}
