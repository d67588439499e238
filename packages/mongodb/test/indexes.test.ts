import { describe, expect, it } from "vitest";
import { COLLECTION_NAMES, INDEXES } from "../src/index.js";

const unique = (collection: string) =>
  INDEXES.filter((index) => index.collection === collection && index.unique).map((index) =>
    Object.keys(index.key),
  );

describe("INDEXES", () => {
  it("makes the contract's keys unique", () => {
    expect(unique("definitions")).toEqual([
      ["projectId", "kind", "key"],
      ["projectId", "kind", "id"],
    ]);
    expect(unique("assignments")).toEqual([["projectId", "experimentId", "entityId"]]);
    // Idempotency keys are unique per project, not store-wide.
    expect(unique("eventKeys")).toEqual([["projectId", "key"]]);
    expect(unique("apiKeys")).toEqual([["hash"]]);
    // One counter document per (experiment, variant[, metric]): what upserted $inc relies on.
    expect(unique("exposures")).toEqual([["projectId", "experimentId", "variantKey"]]);
    expect(unique("aggregates")).toEqual([
      ["projectId", "experimentId", "metricName", "variantKey"],
    ]);
    expect(unique("entityTotals")).toEqual([
      ["projectId", "experimentId", "metricName", "entityId"],
    ]);
    // One daily total per (entity, metric, day).
    expect(unique("entityDayTotals")).toEqual([["projectId", "entityId", "metricName", "day"]]);
    expect(unique("logSummaries")).toEqual([
      ["projectId", "experimentId", "variantKey", "metricName"],
    ]);
  });

  it("keeps log ids unique through _id and lists logs newest first from one index", () => {
    expect(unique("logs")).toEqual([]); // the log id is the _id
    expect(INDEXES).toContainEqual({
      collection: "logs",
      name: "project_experiment_id",
      key: { projectId: 1, experimentId: 1, _id: -1 },
    });
  });

  it("keeps no journal: every write is a transaction", () => {
    expect(Object.keys(COLLECTION_NAMES)).not.toContain("assignmentBatches");
    expect(INDEXES.filter((index) => index.partialFilterExpression)).toEqual([]);
  });

  it("names every index uniquely within its collection, on known collections", () => {
    const seen = new Set<string>();
    for (const index of INDEXES) {
      expect(Object.keys(COLLECTION_NAMES)).toContain(index.collection);
      const id = `${index.collection}.${index.name}`;
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
    }
  });
});
