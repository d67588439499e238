import { isAbkitError, newId, type Segment } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { postgresStore, SCHEMA_VERSION } from "../src/index.js";
import { POSTGRES_URL, schemasPerTest, serverAnswers } from "./fixtures/server.js";

if (await serverAnswers("migration")) {
  const { admin, newSchema } = schemasPerTest();
  const applied = async (schema: string) =>
    (
      await admin.query<{ version: number }>(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      )
    ).rows.map((row) => row.version);
  const tables = async (schema: string) =>
    (
      await admin.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
        [schema],
      )
    ).rows.map((row) => row.name);

  describe("postgres store migrations", () => {
    it("creates a missing schema with every table and records each version once", async () => {
      const schema = newSchema();
      const store = postgresStore({ url: POSTGRES_URL }, { schema });
      expect(await store.definitionsVersion("p")).toBe(0);
      await store.close();
      expect(await applied(schema)).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
      expect(await tables(schema)).toEqual([
        "api_keys",
        "assignment_covariates",
        "assignments",
        "counters",
        "definition_versions",
        "definitions",
        "entity_day_totals",
        "entity_totals",
        "event_keys",
        "log_scores",
        "logs",
        "projects",
        "schema_migrations",
      ]);
    });

    it("migrates once when several processes' stores open a new schema at the same time", async () => {
      const schema = newSchema();
      const stores = Array.from({ length: 6 }, () =>
        postgresStore({ url: POSTGRES_URL }, { schema, poolSize: 2 }),
      );
      const versions = await Promise.all(stores.map((store) => store.definitionsVersion("p")));
      expect(versions).toEqual([0, 0, 0, 0, 0, 0]);
      await Promise.all(stores.map((store) => store.close()));
      expect(await applied(schema)).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
    });

    it("refuses a schema written by a newer version with store_version_unsupported, writing nothing", async () => {
      const schema = newSchema();
      const first = postgresStore({ url: POSTGRES_URL }, { schema });
      await first.definitionsVersion("p");
      await first.close();
      await admin.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES ($1)`, [
        SCHEMA_VERSION + 1,
      ]);
      const before = await tables(schema);
      const store = postgresStore({ url: POSTGRES_URL }, { schema });
      const error = await store.definitionsVersion("p").catch((caught: unknown) => caught);
      expect(isAbkitError(error) && error.code).toBe("store_version_unsupported");
      expect(isAbkitError(error) && error.details).toMatchObject({
        store: "postgres",
        schema,
        version: SCHEMA_VERSION + 1,
        supported: SCHEMA_VERSION,
      });
      // Every call says so, not only the first.
      const again = await store.loadDefinitions("p").catch((caught: unknown) => caught);
      expect(isAbkitError(again) && again.code).toBe("store_version_unsupported");
      await store.close();
      expect(await tables(schema)).toEqual(before);
      expect(await applied(schema)).toEqual([
        ...Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
        SCHEMA_VERSION + 1,
      ]);
    });

    it("keeps apps in different schemas of one database apart", async () => {
      const [a, b] = [newSchema(), newSchema()];
      const storeA = postgresStore({ url: POSTGRES_URL }, { schema: a });
      const storeB = postgresStore({ url: POSTGRES_URL }, { schema: b });
      const at = "2026-03-01T00:00:00.000Z";
      const record: Segment = {
        id: newId("seg"),
        projectId: "p",
        key: "s",
        name: "s",
        description: "",
        condition: { country: "ES" },
        revision: 1,
        createdAt: at,
        updatedAt: at,
      };
      await storeA.putDefinition("segment", record, 0);
      expect(await storeA.definitionsVersion("p")).toBe(1);
      expect(await storeB.definitionsVersion("p")).toBe(0);
      expect((await storeB.loadDefinitions("p")).segments).toEqual([]);
      await Promise.all([storeA.close(), storeB.close()]);
    });
  });
}
