import { describe, expect, it } from "vitest";
import { COLLECTION_NAMES, INDEXES } from "../src/index.js";
import { LEGACY_COLLECTIONS } from "../src/layout.js";

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
    // One document per counter: what upserted $inc relies on.
    expect(unique("counters")).toEqual([["projectId", "experimentId", "counter"]]);
    expect(unique("entityTotals")).toEqual([
      ["projectId", "experimentId", "metricName", "entityId"],
    ]);
    // One daily total per (entity, metric, day).
    expect(unique("entityDayTotals")).toEqual([["projectId", "entityId", "metricName", "day"]]);
  });

  it("keeps log ids unique through _id and lists logs newest first from one index", () => {
    expect(unique("logs")).toEqual([]); // the log id is the _id
    expect(INDEXES).toContainEqual({
      collection: "logs",
      name: "project_experiment_id",
      key: { projectId: 1, experimentId: 1, _id: -1 },
    });
  });

  it("keeps no journal and no collection per aggregate family", () => {
    for (const gone of ["assignmentBatches", "eventBatches", "exposures", "aggregates"]) {
      expect(Object.keys(COLLECTION_NAMES)).not.toContain(gone);
    }
    // The layout-1 collections keep their names for the migration, none a current one.
    for (const name of Object.values(LEGACY_COLLECTIONS)) {
      expect(Object.values(COLLECTION_NAMES)).not.toContain(name);
    }
  });

  it("keeps the names layout 1 gave the indexes it keeps (a new name for the same key fails)", () => {
    const names = INDEXES.map((index) => `${index.collection}.${index.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "definitions.project_kind_key",
        "definitions.project_kind_id",
        "assignments.project_experiment_entity",
        "eventKeys.project_key",
        "entityTotals.project_experiment_metric_entity",
        "entityDayTotals.project_entity_metric_day",
        "logs.project_experiment_id",
        "projects.organization_created",
        "apiKeys.hash",
        "apiKeys.organization_created",
      ]),
    );
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
