import { afterEach, describe, expect, it } from "vitest";
import type { Attributes, Condition, SavedGroups } from "../src/conditions/index.js";
import { evalCondition } from "../src/conditions/index.js";
import { REGEX_CACHE_LIMIT, regexCacheSize } from "../src/conditions/regex.js";

describe("prototype safety", () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it("does not resolve __proto__, constructor or prototype through inheritance", () => {
    const attributes: Attributes = { name: "ada", company: { plan: "pro" } };
    expect(evalCondition(attributes, { __proto__: { $exists: true } } as Condition)).toBe(true);
    expect(evalCondition(attributes, { "__proto__.polluted": { $exists: true } })).toBe(false);
    expect(evalCondition(attributes, { "__proto__.toString": { $exists: true } })).toBe(false);
    expect(evalCondition(attributes, { "constructor.name": "Object" })).toBe(false);
    expect(evalCondition(attributes, { "company.constructor": { $exists: true } })).toBe(false);
    expect(evalCondition(attributes, { "constructor.prototype": { $exists: false } })).toBe(true);
    expect(evalCondition(attributes, { toString: { $type: "null" } })).toBe(true);
  });

  it("treats a __proto__ key in a JSON condition as an ordinary (missing) path", () => {
    const condition = JSON.parse('{"__proto__": {"isAdmin": true}}') as Condition;
    expect(Object.hasOwn(condition, "__proto__")).toBe(true);
    expect(evalCondition({ isAdmin: true }, condition)).toBe(false);

    const nested = JSON.parse(
      '{"$or": [{"__proto__.isAdmin": true}, {"plan": "pro"}], "__proto__": {"$exists": false}}',
    ) as Condition;
    expect(evalCondition({ plan: "pro" }, nested)).toBe(true);
    expect(evalCondition({ plan: "free" }, nested)).toBe(false);

    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it("reads an own __proto__ property of JSON attributes as plain data", () => {
    const attributes = JSON.parse('{"__proto__": {"role": "admin"}}') as Attributes;
    expect(evalCondition(attributes, { "__proto__.role": "admin" })).toBe(true);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it("ignores saved group ids that name inherited properties", () => {
    const groups: SavedGroups = { beta: ["u1"] };
    for (const id of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect(evalCondition({ id: "u1" }, { id: { $inGroup: id } }, groups)).toBe(false);
      expect(evalCondition({ id: "u1" }, { id: { $notInGroup: id } }, groups)).toBe(true);
    }
  });

  it("ignores enumerable properties planted on Object.prototype", () => {
    Object.defineProperty(Object.prototype, "polluted", {
      value: { $exists: false },
      enumerable: true,
      configurable: true,
      writable: true,
    });
    expect(evalCondition({ country: "US" }, { country: { $eq: "US" } })).toBe(true);
    expect(evalCondition({ country: "US", polluted: 1 }, { country: "US" })).toBe(true);
    expect(evalCondition({ n: 5 }, { n: { $gt: 1 }, $and: [{ n: { $lt: 9 } }] })).toBe(true);
  });
});

describe("regular expressions", () => {
  it("keeps the compiled-pattern cache bounded", () => {
    for (let i = 0; i < REGEX_CACHE_LIMIT + 200; i++) {
      expect(evalCondition({ s: `x${i}y` }, { s: { $regex: `^x${i}y$` } })).toBe(true);
      expect(evalCondition({ s: `X${i}Y` }, { s: { $regexi: `^x${i}y$` } })).toBe(true);
      expect(regexCacheSize()).toBeLessThanOrEqual(REGEX_CACHE_LIMIT);
    }
    // Evicted patterns compile again and still work.
    expect(evalCondition({ s: "x0y" }, { s: { $regex: "^x0y$" } })).toBe(true);
  });

  it("treats invalid or non-string patterns as non-matching without throwing", () => {
    expect(evalCondition({ s: "[" }, { s: { $regex: "[" } })).toBe(false);
    expect(evalCondition({ s: "a" }, { s: { $regexi: "(?<" } })).toBe(false);
    expect(evalCondition({ s: "1" }, { s: { $regex: 1 } })).toBe(false);
    expect(evalCondition({ s: "a" }, { s: { $not: { $regex: "(" } } })).toBe(true);
  });

  it("tests the string form of non-string attributes", () => {
    expect(evalCondition({ n: 404 }, { n: { $regex: "^4\\d\\d$" } })).toBe(true);
    expect(evalCondition({}, { missing: { $regex: "^null$" } })).toBe(true);
  });
});

describe("semantics beyond the shared cases", () => {
  it("walks dotted paths through arrays by index", () => {
    expect(evalCondition({ tags: ["a", "b"] }, { "tags.1": "b", "tags.length": 2 })).toBe(true);
    expect(evalCondition({ tags: ["a", "b"] }, { "tags.5": { $exists: true } })).toBe(false);
  });

  it("compares implicit equality as JSON, key order included", () => {
    expect(evalCondition({ o: { a: 1, b: [1, null] } }, { o: { a: 1, b: [1, null] } })).toBe(true);
    expect(evalCondition({ o: { b: 2, a: 1 } }, { o: { a: 1, b: 2 } })).toBe(false);
    expect(evalCondition({ o: { a: 1, skip: undefined } }, { o: { a: 1 } })).toBe(true);
    expect(evalCondition({ d: [new Date(0)] }, { d: ["1970-01-01T00:00:00.000Z"] })).toBe(true);
  });

  it("reads numbers as versions and treats missing versions as 0", () => {
    expect(evalCondition({ v: 2 }, { v: { $vgt: "1.9.9" } })).toBe(true);
    expect(evalCondition({ v: 10 }, { v: { $vgt: "9" } })).toBe(true);
    expect(evalCondition({ v: 2 }, { v: { $veq: "2" } })).toBe(true);
    expect(evalCondition({}, { v: { $vlt: "0.0.1" } })).toBe(true);
  });

  it("never matches unknown operators and never throws on odd attribute values", () => {
    expect(evalCondition({ a: 1 }, { a: { $gtx: 0 } })).toBe(false);
    const odd: Attributes = { s: Symbol("s"), o: Object.create(null), b: 10n };
    expect(evalCondition(odd, { s: "x" })).toBe(false);
    expect(evalCondition(odd, { o: "x" })).toBe(false);
    expect(evalCondition(odd, { o: 1 })).toBe(false);
    expect(evalCondition(odd, { b: { $regex: "^10$" } })).toBe(true);
  });
});
