import { describe, expect, it } from "vitest";
import { experimentRecord, flagRecord, segmentRecord } from "./fixtures.js";
import { expectCode, useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

const P = "defs-project";

/**
 * Definitions: create/replace/delete at a revision, `conflict` and `not_found` by code, the
 * per-project version counter, loads that round-trip every field, and copies in and out.
 *
 * @example
 * describe("my store", () => definitionsContract({ create: async () => myStore() }));
 */
export function definitionsContract(harness: StoreHarness): void {
  describe("definitions", () => {
    const ctx = useStore(harness);

    it("starts at version 0 with nothing stored", async () => {
      expect(await ctx.store.definitionsVersion(P)).toBe(0);
      expect(await ctx.store.loadDefinitions(P)).toEqual({
        version: 0,
        experiments: [],
        flags: [],
        segments: [],
      });
    });

    it("creates each kind at revision 0, bumps the version by one per write, loads them deep-equal", async () => {
      const experiment = experimentRecord(P, "checkout");
      const flag = flagRecord(P, "checkout-flag");
      const segment = segmentRecord(P, "es-fr");
      expect(await ctx.store.putDefinition("experiment", experiment, 0)).toBe(1);
      expect(await ctx.store.putDefinition("flag", flag, 0)).toBe(2);
      expect(await ctx.store.putDefinition("segment", segment, 0)).toBe(3);
      expect(await ctx.store.definitionsVersion(P)).toBe(3);
      expect(await ctx.store.loadDefinitions(P)).toEqual({
        version: 3,
        experiments: [experiment],
        flags: [flag],
        segments: [segment],
      });
    });

    it("replaces a record at its stored revision", async () => {
      const v1 = segmentRecord(P, "es-fr");
      await ctx.store.putDefinition("segment", v1, 0);
      const v2 = { ...v1, name: "Renamed ✓", condition: { country: "PT" }, revision: 2 };
      expect(await ctx.store.putDefinition("segment", v2, 1)).toBe(2);
      const v3 = { ...v2, description: "third", revision: 3 };
      expect(await ctx.store.putDefinition("segment", v3, 2)).toBe(3);
      expect((await ctx.store.loadDefinitions(P)).segments).toEqual([v3]);
    });

    it("rejects a create whose key is taken with conflict, changing nothing", async () => {
      const first = flagRecord(P, "checkout");
      await ctx.store.putDefinition("flag", first, 0);
      await expectCode(ctx.store.putDefinition("flag", flagRecord(P, "checkout"), 0), "conflict");
      expect(await ctx.store.loadDefinitions(P)).toMatchObject({ version: 1, flags: [first] });
    });

    it("rejects a create whose id is taken (under another key) with conflict", async () => {
      const first = segmentRecord(P, "a");
      await ctx.store.putDefinition("segment", first, 0);
      const sameId = segmentRecord(P, "b", { id: first.id });
      await expectCode(ctx.store.putDefinition("segment", sameId, 0), "conflict");
      expect(await ctx.store.loadDefinitions(P)).toMatchObject({ version: 1, segments: [first] });
    });

    it("rejects a replace that changes the record's id with conflict, changing nothing", async () => {
      const v1 = segmentRecord(P, "es-fr");
      await ctx.store.putDefinition("segment", v1, 0);
      const other = segmentRecord(P, "other");
      await expectCode(
        ctx.store.putDefinition("segment", { ...v1, id: other.id, revision: 2 }, 1),
        "conflict",
      );
      expect(await ctx.store.loadDefinitions(P)).toMatchObject({ version: 1, segments: [v1] });
    });

    it("rejects a stale or future revision with conflict, changing nothing", async () => {
      const v1 = experimentRecord(P, "checkout");
      await ctx.store.putDefinition("experiment", v1, 0);
      const v2 = { ...v1, status: "stopped" as const, revision: 2 };
      await ctx.store.putDefinition("experiment", v2, 1);
      await expectCode(
        ctx.store.putDefinition("experiment", { ...v1, revision: 2 }, 1),
        "conflict",
      );
      await expectCode(
        ctx.store.putDefinition("experiment", { ...v1, revision: 4 }, 3),
        "conflict",
      );
      // Replacing a record that does not exist is a stale revision too.
      const absent = experimentRecord(P, "absent", { revision: 2 });
      await expectCode(ctx.store.putDefinition("experiment", absent, 1), "conflict");
      expect(await ctx.store.loadDefinitions(P)).toMatchObject({ version: 2, experiments: [v2] });
    });

    it("deletes at the stored revision; conflict when stale, not_found when absent", async () => {
      const flag = flagRecord(P, "checkout");
      await ctx.store.putDefinition("flag", flag, 0);
      await expectCode(ctx.store.deleteDefinition("flag", P, "checkout", 2), "conflict");
      expect(await ctx.store.definitionsVersion(P)).toBe(1);
      expect(await ctx.store.deleteDefinition("flag", P, "checkout", 1)).toBe(2);
      expect(await ctx.store.loadDefinitions(P)).toMatchObject({ version: 2, flags: [] });
      await expectCode(ctx.store.deleteDefinition("flag", P, "checkout", 1), "not_found");
      await expectCode(ctx.store.deleteDefinition("segment", P, "never", 1), "not_found");
      expect(await ctx.store.definitionsVersion(P)).toBe(2);
    });

    it("creates a deleted key again at revision 0", async () => {
      const first = segmentRecord(P, "es-fr");
      await ctx.store.putDefinition("segment", first, 0);
      await ctx.store.deleteDefinition("segment", P, "es-fr", 1);
      const again = segmentRecord(P, "es-fr", { name: "again" });
      expect(await ctx.store.putDefinition("segment", again, 0)).toBe(3);
      expect((await ctx.store.loadDefinitions(P)).segments).toEqual([again]);
    });

    it("keeps keys unique per kind: an experiment, a flag and a segment may share one", async () => {
      const experiment = experimentRecord(P, "checkout", { flagKey: "checkout" });
      const flag = flagRecord(P, "checkout");
      const segment = segmentRecord(P, "checkout");
      await ctx.store.putDefinition("experiment", experiment, 0);
      await ctx.store.putDefinition("flag", flag, 0);
      await ctx.store.putDefinition("segment", segment, 0);
      expect(await ctx.store.deleteDefinition("flag", P, "checkout", 1)).toBe(4);
      expect(await ctx.store.loadDefinitions(P)).toEqual({
        version: 4,
        experiments: [experiment],
        flags: [],
        segments: [segment],
      });
    });

    it("keeps one version counter per project", async () => {
      await ctx.store.putDefinition("segment", segmentRecord(P, "a"), 0);
      await ctx.store.putDefinition("segment", segmentRecord(P, "b"), 0);
      expect(await ctx.store.putDefinition("segment", segmentRecord("other", "a"), 0)).toBe(1);
      expect(await ctx.store.definitionsVersion(P)).toBe(2);
      expect(await ctx.store.definitionsVersion("other")).toBe(1);
      expect(await ctx.store.definitionsVersion("never-written")).toBe(0);
    });

    it("lets exactly one of many concurrent creates of one key win", async () => {
      const records = Array.from({ length: 20 }, () => segmentRecord(P, "contested"));
      const outcomes = await Promise.allSettled(
        records.map((record) => ctx.store.putDefinition("segment", record, 0)),
      );
      const won = outcomes.flatMap((outcome, i) => (outcome.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected")
          expect(outcome.reason).toMatchObject({ code: "conflict" });
      }
      expect(await ctx.store.loadDefinitions(P)).toEqual({
        version: 1,
        experiments: [],
        flags: [],
        segments: [records[won[0]!]],
      });
    });

    it("bumps the version exactly once per write under concurrent writes of distinct keys", async () => {
      const versions = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ctx.store.putDefinition("flag", flagRecord(P, `flag-${i}`), 0),
        ),
      );
      expect([...versions].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const loaded = await ctx.store.loadDefinitions(P);
      expect(loaded.version).toBe(20);
      expect(loaded.flags).toHaveLength(20);
    });

    it("never shares objects with callers, in either direction", async () => {
      const experiment = experimentRecord(P, "checkout");
      const expected = structuredClone(experiment);
      await ctx.store.putDefinition("experiment", experiment, 0);
      // Mutating what was written, or what was read, changes nothing stored.
      experiment.name = "mutated after write";
      experiment.variants[0]!.weight = 99;
      const loaded = await ctx.store.loadDefinitions(P);
      loaded.experiments[0]!.metrics.push({ name: "x", kind: "count", primary: false });
      (loaded.experiments[0]!.variants[1]!.config as { t: number }).t = 1;
      loaded.experiments.length = 0;
      expect((await ctx.store.loadDefinitions(P)).experiments).toEqual([expected]);
    });
  });
}
