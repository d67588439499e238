import { describe, expect, it } from "vitest";
import { parseStoreUrl } from "../src/storeUrl.js";

describe("parseStoreUrl", () => {
  it.each([
    ["memory:", { kind: "memory" }],
    ["sqlite:./abkit.db", { kind: "sqlite", path: "./abkit.db" }],
    ["sqlite:/var/lib/abkit.db", { kind: "sqlite", path: "/var/lib/abkit.db" }],
    ["sqlite:///var/lib/abkit.db", { kind: "sqlite", path: "/var/lib/abkit.db" }],
    ["sqlite::memory:", { kind: "sqlite", path: ":memory:" }],
    ["redis://127.0.0.1:6379/0", { kind: "redis", url: "redis://127.0.0.1:6379/0" }],
    ["rediss://cache:6380", { kind: "redis", url: "rediss://cache:6380" }],
    ["mongodb://host/abkit", { kind: "mongodb", url: "mongodb://host/abkit" }],
    ["mongodb+srv://cluster/abkit", { kind: "mongodb", url: "mongodb+srv://cluster/abkit" }],
  ])("parses %s", (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each(["postgres://x", "./abkit.db", "sqlite:", ""])(
    "rejects %j with a clear message",
    (url) => {
      expect(() => parseStoreUrl(url)).toThrow(/is not a store URL/);
    },
  );
});
