import { isAbkitError, newId } from "@abkit/core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { postgresStore, toAbkitError } from "../src/index.js";
import { inTransaction } from "../src/transactions.js";
import { adminPool, POSTGRES_URL, schemasPerTest, serverAnswers } from "./fixtures/server.js";

const AT = "2026-03-01T12:00:00.000Z";
const codeOf = (error: unknown) => (isAbkitError(error) ? error.code : error);

describe("postgres store without a server", () => {
  it("rejects each call with store_unavailable, and closes", async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const store = postgresStore(
      { url: "postgres://postgres@127.0.0.1:1/test" },
      { connectionTimeoutMs: 2000 },
    );
    for (const call of [() => store.definitionsVersion("p"), () => store.applyEvents("p", [])]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(codeOf(error)).toBe("store_unavailable");
      expect(String((error as Error).message)).toMatch(/^postgres store: ECONNREFUSED/);
    }
    await store.close();
  });
});

if (await serverAnswers("connection")) {
  const { admin, newSchema } = schemasPerTest();

  describe("postgres store pools", () => {
    it("never ends a pool it was given; ends the one it made", async () => {
      const pool = adminPool();
      const store = postgresStore({ pool }, { schema: newSchema() });
      expect(await store.definitionsVersion("p")).toBe(0);
      await store.close();
      expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await pool.end();

      const owned = postgresStore({ url: POSTGRES_URL }, { schema: newSchema() });
      await owned.definitionsVersion("p");
      await owned.close();
      expect(codeOf(await owned.definitionsVersion("p").catch((e: unknown) => e))).toBe(
        "store_unavailable",
      );
    });
  });

  describe("postgres prepared statements", () => {
    it("prepares statements once per connection by default, and never with preparedStatements false", async () => {
      const prepared = async (preparedStatements: boolean) => {
        // One connection: the session whose prepared statements pg_prepared_statements lists.
        const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
        const store = postgresStore({ pool }, { schema: newSchema(), preparedStatements });
        await store.recordAssignments([
          { projectId: "p", experimentId: "e", entityId: "u", variantKey: "A", assignedAt: AT },
        ]);
        for (let i = 0; i < 3; i++) {
          const event = { id: newId("evt"), entityId: "u", metricName: "m", value: 2 };
          const stamped = { ...event, idempotencyKey: null, timestamp: AT, experimentIds: ["e"] };
          await store.applyEvents("p", [stamped]);
        }
        expect((await store.readAggregates("p", "e")).metrics.m?.A).toEqual({
          events: 3,
          sum: 6,
          sumSquares: 36,
          entities: 1,
        });
        const { rows } = await pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'abkit_%'",
        );
        await store.close();
        await pool.end();
        return rows[0]!.n;
      };
      expect(await prepared(true)).toBeGreaterThan(3);
      expect(await prepared(false)).toBe(0);
    });
  });

  describe("postgres transactions", () => {
    it("runs a transaction again after a deadlock, up to maxAttempts, and not after other errors", async () => {
      const pool = adminPool();
      let calls = 0;
      const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
      const result = await inTransaction(pool, { maxAttempts: 3, prepare: true }, async (tx) => {
        calls += 1;
        if (calls < 3) throw deadlock;
        return (await tx.query("SELECT 2 AS two")).rows[0];
      });
      expect({ result, calls }).toEqual({ result: { two: 2 }, calls: 3 });

      calls = 0;
      const failing = inTransaction(pool, { maxAttempts: 3, prepare: true }, async () => {
        calls += 1;
        throw deadlock;
      });
      await expect(failing).rejects.toBe(deadlock);
      expect(calls).toBe(3);

      calls = 0;
      const refused = Object.assign(new Error("unique"), { code: "23505" });
      const once = inTransaction(pool, { maxAttempts: 3, prepare: true }, async () => {
        calls += 1;
        throw refused;
      });
      await expect(once).rejects.toBe(refused);
      expect(calls).toBe(1);
      await pool.end();
    });

    it("rolls back what a failed attempt wrote, and survives a real deadlock between two writers", async () => {
      const schema = newSchema();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      await admin.query(`CREATE TABLE "${schema}".t (id int PRIMARY KEY, n int NOT NULL)`);
      await admin.query(`INSERT INTO "${schema}".t VALUES (1, 0), (2, 0)`);
      const pool = adminPool();
      // Each writer locks one row, waits until the other holds its row, then wants the other's.
      let holding = 0;
      const bothHold = () =>
        new Promise<void>((resolve) => {
          const check = () => (holding >= 2 ? resolve() : setTimeout(check, 5));
          check();
        });
      const attempts = [0, 0];
      const writer = (index: number, first: number, second: number) =>
        inTransaction(pool, { maxAttempts: 5, prepare: true }, async (tx) => {
          attempts[index]! += 1;
          await tx.query(`UPDATE "${schema}".t SET n = n + 1 WHERE id = $1`, [first]);
          if (attempts[index] === 1) {
            holding += 1;
            await bothHold();
          }
          await tx.query(`UPDATE "${schema}".t SET n = n + 1 WHERE id = $1`, [second]);
        });
      await Promise.all([writer(0, 1, 2), writer(1, 2, 1)]);
      // One of them was chosen as the deadlock victim, rolled back and run again.
      expect(attempts.sort()).toEqual([1, 2]);
      const { rows } = await admin.query(`SELECT id, n FROM "${schema}".t ORDER BY id`);
      expect(rows).toEqual([
        { id: 1, n: 2 },
        { id: 2, n: 2 },
      ]);
      await pool.end();
    });

    it("reports a connection killed mid-transaction as store_unavailable, and the next call works", async () => {
      const pool = adminPool();
      const store = postgresStore({ pool }, { schema: newSchema() });
      await store.definitionsVersion("p");
      const killed = inTransaction(pool, { maxAttempts: 3, prepare: true }, async (tx) => {
        await tx.query("SELECT pg_terminate_backend(pg_backend_pid())");
      });
      const error = await killed.catch((caught: unknown) => caught);
      expect(toAbkitError(error).code).toBe("store_unavailable");
      expect(await store.definitionsVersion("p")).toBe(0);
      await store.close();
      await pool.end();
    });
  });
}
