import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { DEFAULT_COLLECTION_PREFIX, DEFAULT_DB_NAME, parseMongoUrl } from "../src/index.js";
import { resolveOptions } from "../src/options.js";

describe("mongodb store options", () => {
  it("takes the database name from the URL path, percent-decoded", () => {
    expect(parseMongoUrl("mongodb://127.0.0.1:27017/shop").dbName).toBe("shop");
    expect(parseMongoUrl("mongodb://user:p%40ss@a:1,b:2/my-db?replicaSet=rs0").dbName).toBe(
      "my-db",
    );
    expect(
      parseMongoUrl("mongodb+srv://cluster0.example.net/prod_abkit?retryWrites=true").dbName,
    ).toBe("prod_abkit");
    expect(parseMongoUrl("mongodb://host/caf%C3%A9").dbName).toBe("café");
    expect(parseMongoUrl("mongodb://host").dbName).toBeUndefined();
    expect(parseMongoUrl("mongodb://host/").dbName).toBeUndefined();
    expect(parseMongoUrl("mongodb://host/?w=1").dbName).toBeUndefined();
  });

  it("reads query parameters case-insensitively", () => {
    const { params } = parseMongoUrl("mongodb://host/db?replicaSet=rs0&W=majority&journal=true");
    expect(params.get("replicaset")).toBe("rs0");
    expect(params.get("w")).toBe("majority");
  });

  it("resolves the database: dbName, else the URL path, else abkit", async () => {
    const cases = [
      [{ url: "mongodb://127.0.0.1/shop" }, "shop"],
      [{ url: "mongodb://127.0.0.1/shop", dbName: "override" }, "override"],
      [{ url: "mongodb://127.0.0.1" }, DEFAULT_DB_NAME],
    ] as const;
    for (const [options, dbName] of cases) {
      const target = resolveOptions(options);
      expect(target).toMatchObject({
        dbName,
        owned: true,
        collectionPrefix: DEFAULT_COLLECTION_PREFIX,
      });
      await target.client.close();
    }
  });

  it("makes owned clients durable by default, unless the URL sets a write concern", async () => {
    const durable = resolveOptions({ url: "mongodb://127.0.0.1/db" }).client;
    expect(durable.options.writeConcern).toMatchObject({ w: "majority", journal: true });
    const fast = resolveOptions({ url: "mongodb://127.0.0.1/db?w=1" }).client;
    expect(fast.options.writeConcern).toMatchObject({ w: 1 });
    expect(fast.options.writeConcern?.journal).toBeUndefined();
    await Promise.all([durable.close(), fast.close()]);
  });

  it("uses a given client or Db without owning it", async () => {
    const client = new MongoClient("mongodb://127.0.0.1:27017");
    expect(resolveOptions({ client })).toMatchObject({ client, owned: false, dbName: "abkit" });
    expect(resolveOptions({ client, dbName: "x", collectionPrefix: "" })).toMatchObject({
      dbName: "x",
      collectionPrefix: "",
    });
    const db = client.db("given");
    expect(resolveOptions({ db })).toMatchObject({ client, owned: false, dbName: "given", db });
    await client.close();
  });

  it.each([
    [
      "redis://127.0.0.1:6379",
      '"redis://127.0.0.1:6379" is not a mongodb:// or mongodb+srv:// URL',
    ],
    ["mongodb://", "is not a mongodb:// or mongodb+srv:// URL with a host"],
    ["sqlite:./abkit.db", "is not a mongodb://"],
    ["mongodb://host/a/b", "is not a MongoDB database name"],
    ["mongodb://host/has space", "is not a MongoDB database name"],
    ["mongodb://host/%E0%A4%A", "badly encoded"],
    ["mongodb://host/db?notAnOption=1", "is not usable"],
  ])("rejects the URL %s with a validation error", (url, message) => {
    expect(() => resolveOptions({ url })).toThrow(
      expect.objectContaining({
        code: "validation_failed",
        message: expect.stringContaining(message),
      }),
    );
  });

  it("never echoes a password in an error", () => {
    for (const url of [
      "mongodb://me:s3cret@host/a.b",
      "mongo://me:s3cret@host/db",
      "mongodb://me:s3cret@host/db?bogus=1",
    ]) {
      let message = "";
      try {
        resolveOptions({ url });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain("Invalid mongodb store options");
      expect(message).not.toContain("s3cret");
    }
  });

  it("rejects bad dbName, collectionPrefix and option shapes", () => {
    const fail = (options: unknown, field: string) =>
      expect(() => resolveOptions(options as never)).toThrow(
        expect.objectContaining({
          code: "validation_failed",
          message: expect.stringContaining(field),
        }),
      );
    fail({ url: "mongodb://host", dbName: "" }, "dbName");
    fail({ url: "mongodb://host", dbName: "a$b" }, "dbName");
    fail({ url: "mongodb://host", collectionPrefix: "a$" }, "collectionPrefix");
    fail({ url: "mongodb://host", collectionPrefix: "system.x" }, "collectionPrefix");
    fail({ client: {} }, "client");
    fail({}, "must be { url }, { client } or { db }");
    fail(null, "must be { url }, { client } or { db }");
  });
});
