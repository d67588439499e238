import { isAbkitError } from "@abkit/core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEMA, postgresStore } from "../src/index.js";
import { redactUrl, resolveOptions } from "../src/options.js";
import { tablesIn } from "../src/tables.js";

const URL = "postgres://app:secret@db.internal:5432/shop";

// The field a ValidationError names, or the error itself when it is not one.
function refusal(make: () => unknown): unknown {
  try {
    const made = make() as { pool?: pg.Pool } | undefined;
    void made?.pool?.end();
  } catch (error) {
    if (isAbkitError(error) && error.code === "validation_failed") {
      const issues = (error.details as { issues?: { path: PropertyKey[] }[] }).issues ?? [];
      return issues.map((issue) => issue.path.join("."));
    }
    return error;
  }
  return "accepted";
}

describe("postgres store options", () => {
  it("owns the pool it makes from a URL, with the default schema and settings", async () => {
    const target = resolveOptions({ url: URL });
    expect(target).toMatchObject({
      owned: true,
      schema: DEFAULT_SCHEMA,
      maxAttempts: 5,
      prepare: true,
    });
    expect(target.pool.options).toMatchObject({
      max: 10,
      connectionTimeoutMillis: 10_000,
      statement_timeout: 30_000,
    });
    await target.pool.end();
  });

  it("passes pool settings to the pool it makes; 0 leaves statements without a timeout", async () => {
    const target = resolveOptions(
      { url: "postgresql://127.0.0.1/app" },
      {
        poolSize: 3,
        connectionTimeoutMs: 500,
        statementTimeoutMs: 0,
        schema: "shop_ab",
        preparedStatements: false,
      },
    );
    expect(target).toMatchObject({ schema: "shop_ab", prepare: false });
    expect(target.pool.options).toMatchObject({ max: 3, connectionTimeoutMillis: 500 });
    expect(target.pool.options.statement_timeout).toBeUndefined();
    await target.pool.end();
  });

  it("uses a given pool as is and never owns it; pool settings are refused with it", async () => {
    const pool = new pg.Pool({ connectionString: URL });
    expect(resolveOptions({ pool }, { schema: "other" })).toEqual({
      pool,
      owned: false,
      schema: "other",
      maxAttempts: 5,
      prepare: true,
    });
    expect(refusal(() => resolveOptions({ pool }, { poolSize: 2 }))).toEqual(["poolSize"]);
    expect(refusal(() => resolveOptions({ pool }, { statementTimeoutMs: 1 }))).toEqual([
      "statementTimeoutMs",
    ]);
    await pool.end();
  });

  it("takes the schema from a schema= URL parameter, which node-postgres does not see", async () => {
    const target = resolveOptions({ url: "postgres://app@db/shop?schema=shop_ab&sslmode=disable" });
    expect(target.schema).toBe("shop_ab");
    expect(target.pool.options.connectionString).toBe("postgres://app@db/shop?sslmode=disable");
    await target.pool.end();
    const same = resolveOptions({ url: "postgres://app@db/shop?schema=x" }, { schema: "x" });
    expect(same.schema).toBe("x");
    await same.pool.end();
    expect(
      refusal(() => resolveOptions({ url: "postgres://app@db/shop?schema=x" }, { schema: "y" })),
    ).toEqual(["schema"]);
    expect(refusal(() => resolveOptions({ url: "postgres://app@db/shop?schema=Bad" }))).toEqual([
      "schema",
    ]);
    expect(refusal(() => resolveOptions({ url: "postgres://db/s?schema=a&schema=b" }))).toEqual([
      "url",
    ]);
  });

  it("accepts schema names that need no quoting, and refuses the others", () => {
    for (const schema of ["abkit", "_x", "shop_abkit_2", "a".repeat(63)]) {
      expect(
        refusal(() => resolveOptions({ url: URL }, { schema })),
        schema,
      ).toBe("accepted");
    }
    for (const schema of ["", "Abkit", "1abc", "a-b", 'a"b', "a b", "pg_abkit", "a".repeat(64)]) {
      expect(
        refusal(() => resolveOptions({ url: URL }, { schema })),
        schema,
      ).toEqual(["schema"]);
    }
  });

  it("refuses URLs of other stores, malformed ones and missing connections, masking passwords", () => {
    for (const url of ["mysql://root@db/app", "redis://127.0.0.1:6379/0", "not a url", ""]) {
      const error = (() => {
        try {
          resolveOptions({ url });
        } catch (caught) {
          return caught;
        }
      })();
      expect(isAbkitError(error) && error.code, url).toBe("validation_failed");
    }
    const error = (() => {
      try {
        resolveOptions({ url: "mysql://root:hunter2@db/app" });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(JSON.stringify(error && isAbkitError(error) ? error.details : "")).not.toContain(
      "hunter2",
    );
    expect(refusal(() => resolveOptions({} as { url: string }))).toEqual([""]);
    expect(refusal(() => resolveOptions({ pool: {} as pg.Pool }))).toEqual(["pool"]);
    expect(refusal(() => resolveOptions({ url: URL }, { maxAttempts: 0 }))).toEqual([
      "maxAttempts",
    ]);
  });

  it("refuses bad options at the factory, before any connection", () => {
    expect(refusal(() => postgresStore({ url: URL }, { schema: "Bad" }))).toEqual(["schema"]);
  });

  it("masks the password of a URL", () => {
    expect(redactUrl(URL)).toBe("postgres://app:***@db.internal:5432/shop");
    expect(redactUrl("postgres://app@db/shop")).toBe("postgres://app@db/shop");
  });

  it("qualifies every table with the quoted schema", () => {
    const tables = tablesIn("shop_ab");
    expect(tables.counters).toBe('"shop_ab".counters');
    expect(Object.values(tables).every((name) => name.startsWith('"shop_ab"'))).toBe(true);
  });
});
