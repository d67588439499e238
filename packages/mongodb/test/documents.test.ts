import { type LogRecord, newId } from "@abkit/core";
import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import {
  fromApiKeyDoc,
  fromAssignmentDoc,
  fromDefinitionDoc,
  fromLogDoc,
  fromProjectDoc,
  toApiKeyDoc,
  toAssignmentDoc,
  toDefinitionDoc,
  toLogDoc,
  toProjectDoc,
} from "../src/documents.js";

// Every field name of a document, nested ones included, as MongoDB would see them.
function fieldNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(fieldNames);
  if (
    value === null ||
    typeof value !== "object" ||
    value instanceof Date ||
    value instanceof ObjectId
  ) {
    return [];
  }
  return Object.entries(value).flatMap(([name, inner]) => [name, ...fieldNames(inner)]);
}

const unsafe = (name: string) => name.startsWith("$") || name.includes(".") || name.includes("\0");

describe("document mapping", () => {
  it("round-trips a definition whose condition holds $ operators and dotted paths", () => {
    const segment = {
      id: newId("seg"),
      projectId: "team:b",
      key: "es-fr",
      name: "España ✓",
      description: 'quotes " and \\',
      // As JSON.parse makes it: `__proto__` an own key, beside operators and dotted paths.
      condition: JSON.parse(
        '{"$or":[{"address.country":{"$in":["ES","FR"]}},{"plan.tier":{"$ne":"free"}}],"__proto__":{"polluted":true},"a.$b":1}',
      ) as Record<string, unknown>,
      revision: 3,
      createdAt: "2026-01-02T03:04:05.678Z",
      updatedAt: "2026-01-02T03:04:05.678Z",
    };
    const doc = toDefinitionDoc("segment", segment, new ObjectId());
    expect(doc).toMatchObject({
      projectId: "team:b",
      kind: "segment",
      key: "es-fr",
      id: segment.id,
      revision: 3,
    });
    expect(fieldNames(doc).filter(unsafe)).toEqual([]);
    const back = fromDefinitionDoc<"segment">(doc);
    expect(back).toEqual(segment);
    expect(back).not.toBe(segment);
    expect(Object.hasOwn(back.condition, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(back.condition)).toBe(Object.prototype);
  });

  it("stores log metrics as { k, v } pairs and JSON as text, and reads them back deep-equal", () => {
    const log: LogRecord = {
      id: newId("log"),
      projectId: "default",
      experimentId: newId("exp"),
      variantKey: "treatment.v2",
      input: { messages: [{ role: "user", content: "¿2+2? 🤔" }], $where: "1", "a.b": { c: null } },
      output: "4",
      metrics: {
        latency_ms: 812.5,
        "cost.usd": 0.00021,
        $tokens: 42,
        constructor: 1,
        __proto__: 2,
      } as Record<string, number>,
      context: null,
      createdAt: "2026-01-02T03:04:05.678Z",
    };
    // A `__proto__` key written as an own property, as JSON.parse would make it.
    Object.defineProperty(log.metrics, "__proto__", { value: 2, enumerable: true });
    const doc = toLogDoc(log);
    expect(doc.metrics).toContainEqual({ k: "cost.usd", v: 0.00021 });
    expect(doc.metrics).toContainEqual({ k: "$tokens", v: 42 });
    expect(doc).toMatchObject({ _id: log.id, variantKey: "treatment.v2" });
    expect(fieldNames(doc).filter(unsafe)).toEqual([]);
    const back = fromLogDoc(doc);
    expect(back).toEqual(log);
    expect(Object.hasOwn(back.metrics, "constructor")).toBe(true);
    expect(Object.hasOwn(back.metrics, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(back.metrics)).toBe(Object.prototype);
  });

  it("leaves absent log JSON absent rather than null", () => {
    const log = {
      id: newId("log"),
      projectId: "p",
      experimentId: "exp_1",
      variantKey: "A",
      input: undefined,
      output: undefined,
      metrics: {},
      context: undefined,
      createdAt: "2026-01-02T03:04:05.678Z",
    };
    const doc = toLogDoc(log);
    expect("input" in doc || "output" in doc || "context" in doc).toBe(false);
    expect(fromLogDoc(doc)).toEqual(log);
  });

  it("round-trips projects and API keys, keeping revokedAt and copying scopes", () => {
    const project = {
      id: "checkout",
      organizationId: "acme",
      name: "Checkout ✨",
      createdAt: "2026-01-01T00:00:00.000Z",
    };
    expect(toProjectDoc(project)).toEqual({
      _id: "checkout",
      organizationId: "acme",
      name: "Checkout ✨",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    expect(fromProjectDoc(toProjectDoc(project))).toEqual(project);

    const key = {
      id: newId("key"),
      organizationId: "acme",
      projectId: "checkout",
      name: "server key",
      scopes: ["sdk" as const, "admin" as const],
      prefix: "ak_abc123",
      hash: "a".repeat(64),
      createdAt: "2026-01-01T00:00:00.000Z",
      revokedAt: null,
    };
    const doc = toApiKeyDoc(key);
    expect(doc._id).toBe(key.id);
    expect(doc.scopes).not.toBe(key.scopes);
    expect(fromApiKeyDoc(doc)).toEqual(key);
    expect(fromApiKeyDoc({ ...doc, revokedAt: "2026-02-01T00:00:00.000Z" }).revokedAt).toBe(
      "2026-02-01T00:00:00.000Z",
    );
  });

  it("keeps an assignment's covariates as { name, value } pairs and reads them back as own keys", () => {
    const record = {
      projectId: "p",
      experimentId: "exp_1",
      entityId: "u.1",
      variantKey: "treatment.v2",
      assignedAt: "2026-01-02T03:04:05.678Z",
      covariates: JSON.parse('{"past.orders":3,"$spend":12.5,"__proto__":1}') as Record<
        string,
        number
      >,
    };
    const doc = toAssignmentDoc(record);
    expect(doc.covariates).toEqual([
      { name: "past.orders", value: 3 },
      { name: "$spend", value: 12.5 },
      { name: "__proto__", value: 1 },
    ]);
    expect(fieldNames(doc).filter(unsafe)).toEqual([]);
    const stored = fromAssignmentDoc(doc);
    expect(stored).toEqual({ variantKey: "treatment.v2", covariates: record.covariates });
    expect(Object.hasOwn(stored.covariates ?? {}, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(stored.covariates)).toBe(Object.prototype);
  });

  it("writes no covariates field for an assignment without covariates", () => {
    const record = {
      projectId: "p",
      experimentId: "exp_1",
      entityId: "u1",
      variantKey: "A",
      assignedAt: "2026-01-02T03:04:05.678Z",
    };
    for (const covariates of [undefined, {}]) {
      const doc = toAssignmentDoc({ ...record, covariates });
      expect(doc).toEqual(record);
      expect("covariates" in doc).toBe(false);
      expect(fromAssignmentDoc(doc)).toEqual({ variantKey: "A", covariates: {} });
    }
  });
});
