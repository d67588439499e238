import { StoreUnavailableError } from "@abkit/core";
import { type Db, type Document, MongoServerError } from "mongodb";

/**
 * What the store needs of the deployment: multi-document transactions, so a replica set
 * member (`setName` in the `hello` reply) or a mongos (`msg: "isdbgrid"`). Every write is
 * one transaction; a standalone server has none, so the store refuses it at open.
 */
export type Topology = "replicaSet" | "mongos";

/**
 * Decides from a `hello` (or legacy `isMaster`) reply whether the deployment runs
 * transactions; throws `StoreUnavailableError` naming the fix for a standalone server.
 *
 * @example
 * topologyOf({ isWritablePrimary: true, setName: "rs0" }); // "replicaSet"
 * topologyOf({ isWritablePrimary: true }); // throws store_unavailable: start mongod with --replSet rs0 ...
 */
export function topologyOf(hello: Document): Topology {
  if (typeof hello.setName === "string" && hello.setName !== "") return "replicaSet";
  if (hello.msg === "isdbgrid") return "mongos";
  throw new StoreUnavailableError(
    "mongodb",
    "the server is a standalone mongod and the store needs transactions: start mongod with " +
      "--replSet rs0 and run rs.initiate() once (a one-node replica set is enough), " +
      "or connect through mongos",
  );
}

/** Asks the server what it is, once at open, and refuses a standalone server (`topologyOf`). */
export async function checkTopology(db: Db): Promise<Topology> {
  return topologyOf(await helloOf(db));
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
