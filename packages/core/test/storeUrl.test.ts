import { describe, expect, it } from "vitest";
import { parseStoreUrl } from "../src/storeUrl.js";

describe("parseStoreUrl", () => {
  it.each([
    ["memory:", { kind: "memory" }],
    ["sqlite:./abkit.db", { kind: "sqlite", path: "./abkit.db" }],
    ["sqlite:/var/lib/abkit.db", { kind: "sqlite", path: "/var/lib/abkit.db" }],
    ["sqlite:///var/lib/abkit.db", { kind: "sqlite", path: "/var/lib/abkit.db" }],
    ["sqlite::memory:", { kind: "sqlite", path: ":memory:" }],
    ["redis://127.0.0.1:6379/0", { kind: "redis", url: "redis://127.0.0.1:6379/0", database: 0 }],
    ["rediss://cache:6380", { kind: "redis", url: "rediss://cache:6380", database: 0 }],
    ["redis://cache:6379/", { kind: "redis", url: "redis://cache:6379/", database: 0 }],
    ["redis://:pw@cache/15", { kind: "redis", url: "redis://:pw@cache/15", database: 15 }],
    ["redis://cache?db=3", { kind: "redis", url: "redis://cache?db=3", database: 3 }],
    ["redis://cache/3?db=3", { kind: "redis", url: "redis://cache/3?db=3", database: 3 }],
    ["mongodb://host/abkit", { kind: "mongodb", url: "mongodb://host/abkit" }],
    ["mongodb+srv://cluster/abkit", { kind: "mongodb", url: "mongodb+srv://cluster/abkit" }],
  ])("parses %s", (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each(["mysql://x", "./abkit.db", "sqlite:", ""])("rejects %j with a clear message", (url) => {
    expect(() => parseStoreUrl(url)).toThrow(/is not a store URL/);
  });

  // The client would read these as database 0 (or NaN, then 0), silently.
  it.each([
    ["redis://cache/abc", 'the database must be a whole number from 0 (got "abc")'],
    ["redis://cache/1.5", '(got "1.5")'],
    ["redis://cache/-1", '(got "-1")'],
    ["redis://cache/1/2", '(got "1/2")'],
    ["redis://cache/0x1", '(got "0x1")'],
    ["redis://cache?db=x", '(got "x")'],
    ["redis://cache/2?db=5", "the path selects database 2 but db= says 5"],
    ["redis://cache?db=1&db=2", "db= is given more than once"],
    ["redis://[bad", "not a valid URL"],
  ])("rejects the redis database of %s", (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(message);
    expect(() => parseStoreUrl(url)).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });
});

describe("parseStoreUrl: PostgreSQL and Redis Cluster", () => {
  it("reads postgres:// and postgresql:// URLs as they are", () => {
    expect(parseStoreUrl("postgres://postgres@127.0.0.1:5432/test")).toEqual({
      kind: "postgres",
      url: "postgres://postgres@127.0.0.1:5432/test",
    });
    expect(parseStoreUrl("postgresql://u:p@db/app").kind).toBe("postgres");
  });

  it("reads the seed nodes and credentials of a redis-cluster:// URL", () => {
    expect(parseStoreUrl("redis-cluster://127.0.0.1:7000,127.0.0.1:7001/")).toEqual({
      kind: "redis-cluster",
      url: "redis-cluster://127.0.0.1:7000,127.0.0.1:7001/",
      nodes: [
        { host: "127.0.0.1", port: 7000 },
        { host: "127.0.0.1", port: 7001 },
      ],
    });
    expect(parseStoreUrl("redis-cluster://:s%40cret@[::1]:7000")).toMatchObject({
      nodes: [{ host: "::1", port: 7000 }],
      password: "s@cret",
    });
    expect(parseStoreUrl("redis-cluster://app:pw@h:7000/")).toMatchObject({
      username: "app",
      password: "pw",
    });
  });

  it("refuses a cluster URL without ports, with a bad port or with a database", () => {
    expect(() => parseStoreUrl("redis-cluster://h1,h2/")).toThrow("is not host:port");
    expect(() => parseStoreUrl("redis-cluster://h:70000/")).toThrow("is not host:port");
    expect(() => parseStoreUrl("redis-cluster://h:7000/2")).toThrow("one database");
  });
});
