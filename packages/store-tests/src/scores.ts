import { MAX_EVENT_VALUE, newId, sketchBucket } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { listed, logRecord, scoreRecord } from "./fixtures.js";
import { expectCode, useStore } from "./harness.js";
import { expectedLogSummaries } from "./logsExpected.js";
import { scoreRacesContract } from "./scoreRaces.js";
import type { StoreHarness } from "./types.js";

const P = "scores-project";
const OTHER = "scores-other-project";

/**
 * Scores on execution logs: `getLog` by id within a project, the log's `entityId` kept,
 * `attachScore` storing the first score of each key and counting it in the log summaries
 * of its variant (the increments of `planScore`), scores in `getLog` and `listLogs` oldest
 * first, unknown logs and other projects' logs refused without a write, invalid scores
 * refused; then races (concurrent calls, processes) and faults (`scoreRacesContract`).
 *
 * @example
 * describe("my store", () => scoresContract({ create: async () => myStore() }));
 */
export function scoresContract(harness: StoreHarness): void {
  describe("scores", () => {
    const ctx = useStore(harness);

    it("keeps a log's entityId (absent stays absent) and reads a log by id with scores: []", async () => {
      const exp = newId("exp");
      const withEntity = logRecord(P, exp, { entityId: "user-Ω" });
      const without = logRecord(P, exp);
      await ctx.store.appendLog(withEntity);
      await ctx.store.appendLog(without);
      expect(await ctx.store.getLog(P, withEntity.id)).toEqual(listed(withEntity));
      const read = await ctx.store.getLog(P, without.id);
      expect(read).toEqual(listed(without));
      expect(read?.entityId ?? null).toBeNull();
      const { logs } = await ctx.store.listLogs(P, exp, { limit: 10 });
      expect(logs).toEqual([listed(without), listed(withEntity)]);
    });

    it("reads null for an unknown log id and for another project's log", async () => {
      const log = logRecord(P, newId("exp"));
      await ctx.store.appendLog(log);
      expect(await ctx.store.getLog(P, newId("log"))).toBeNull();
      expect(await ctx.store.getLog(OTHER, log.id)).toBeNull();
    });

    it("stores a score, shows it in getLog and listLogs, and counts it in its variant's log summary", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp, { variantKey: "control" });
      await ctx.store.appendLog(log);
      const score = scoreRecord(P, exp, log.id, { variantKey: "control", value: -2.5 });
      expect(await ctx.store.attachScore(score)).toEqual({ score, created: true });
      expect(await ctx.store.getLog(P, log.id)).toEqual(listed(log, [score]));
      expect((await ctx.store.listLogs(P, exp, { limit: 10 })).logs).toEqual([
        listed(log, [score]),
      ]);
      const summaries = await ctx.store.readLogSummaries(P, exp);
      expect(summaries.control?.judge).toEqual({
        count: 1,
        sum: -2.5,
        sumSquares: 6.25,
        squared: 1,
        buckets: { [sketchBucket(-2.5)]: 1 },
      });
      expect(summaries).toEqual(expectedLogSummaries([log], [score]));
    });

    it("adds a score named as a log metric to that metric's summary", async () => {
      const exp = newId("exp");
      const logs = [logRecord(P, exp), logRecord(P, exp)];
      for (const log of logs) await ctx.store.appendLog(log);
      const score = scoreRecord(P, exp, logs[0]!.id, { key: "tokens", name: "output_tokens" });
      await ctx.store.attachScore(score);
      const summaries = await ctx.store.readLogSummaries(P, exp);
      expect(summaries.treatment?.output_tokens?.count).toBe(3);
      expect(summaries).toEqual(expectedLogSummaries(logs, [score]));
    });

    it("keeps the first score of a key (created: false, summaries unchanged); other keys each count, listed oldest first", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      const first = scoreRecord(P, exp, log.id, { value: 1 });
      await ctx.store.attachScore(first);
      const before = await ctx.store.readLogSummaries(P, exp);
      const repeat = { ...first, value: 0, source: "human", createdAt: new Date().toISOString() };
      expect(await ctx.store.attachScore(repeat)).toEqual({ score: first, created: false });
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(before);

      const others = ["b-key", "a-key", "thumbs"].map((key, i) =>
        scoreRecord(P, exp, log.id, { key, name: i < 2 ? "judge" : "thumbs_up", value: i }),
      );
      for (const score of others) {
        expect(await ctx.store.attachScore(score)).toEqual({ score, created: true });
      }
      const scores = [first, ...others];
      expect(await ctx.store.getLog(P, log.id)).toEqual(listed(log, scores));
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(expectedLogSummaries([log], scores));
    });

    it("lists each log of a page with its own scores, across pages", async () => {
      const exp = newId("exp");
      const logs = Array.from({ length: 5 }, () => logRecord(P, exp));
      for (const log of logs) await ctx.store.appendLog(log);
      const scored = [logs[0]!, logs[2]!, logs[3]!];
      const scores = scored.flatMap((log, i) =>
        Array.from({ length: i + 1 }, (_, k) =>
          scoreRecord(P, exp, log.id, { key: `k${k}`, value: k }),
        ),
      );
      for (const score of scores) await ctx.store.attachScore(score);
      const expected = [...logs].reverse().map((log) =>
        listed(
          log,
          scores.filter((score) => score.logId === log.id),
        ),
      );
      const first = await ctx.store.listLogs(P, exp, { limit: 3 });
      expect(first.logs).toEqual(expected.slice(0, 3));
      const second = await ctx.store.listLogs(P, exp, { limit: 3, before: first.nextCursor! });
      expect(second).toEqual({ logs: expected.slice(3), nextCursor: null });
    });

    it("returns null and writes nothing for an unknown log or another project's log", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      const summaries = await ctx.store.readLogSummaries(P, exp);
      expect(await ctx.store.attachScore(scoreRecord(P, exp, newId("log")))).toBeNull();
      expect(await ctx.store.attachScore(scoreRecord(OTHER, exp, log.id))).toBeNull();
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(summaries);
      expect(await ctx.store.readLogSummaries(OTHER, exp)).toEqual({});
      expect(await ctx.store.getLog(P, log.id)).toEqual(listed(log));
      // The key is still free: the real score is created.
      const score = scoreRecord(P, exp, log.id);
      expect(await ctx.store.attachScore(score)).toEqual({ score, created: true });
    });

    it.each([
      ["a name that is not a name", { name: "Not a name!" }],
      ["a variant key that is not a name", { variantKey: "a/b" }],
      ["a value past MAX_EVENT_VALUE", { value: MAX_EVENT_VALUE * 2 }],
      ["a value that is not finite", { value: Number.NaN }],
      ["an empty key", { key: "" }],
    ])("refuses a score with %s (validation_failed), writing nothing", async (_, bad) => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      const summaries = await ctx.store.readLogSummaries(P, exp);
      await expectCode(
        ctx.store.attachScore(scoreRecord(P, exp, log.id, bad)),
        "validation_failed",
      );
      expect(await ctx.store.getLog(P, log.id)).toEqual(listed(log));
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(summaries);
    });

    it("never shares score objects with callers", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      const score = scoreRecord(P, exp, log.id);
      const expected = structuredClone(score);
      const { score: returned } = (await ctx.store.attachScore(score))!;
      score.value = 99;
      returned.source = "mutated";
      const read = await ctx.store.getLog(P, log.id);
      read!.scores![0]!.name = "mutated";
      expect((await ctx.store.getLog(P, log.id))?.scores).toEqual([expected]);
    });

    scoreRacesContract(harness, ctx);
  });
}
