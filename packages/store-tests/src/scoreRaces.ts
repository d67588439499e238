import { type AttachScoreResult, newId, type ScoreRecord } from "@abkit/core";
import { describe, expect, it, type TestContext } from "vitest";
import { runChildren } from "./child/spawn.js";
import { runnerPath } from "./crossProcess.js";
import { seededRandom, shuffled } from "./expected.js";
import { faultyStore } from "./faultyStore.js";
import { listed, logRecord, scoreRecord } from "./fixtures.js";
import { expectCode, type StoreUnderTest } from "./harness.js";
import { expectedLogSummaries } from "./logsExpected.js";
import type { StoreHarness } from "./types.js";

const P = "score-races";
const CALLS = 20;
const CHILDREN = 4;
const TIMEOUT_MS = 120_000;

/**
 * The first writer of a score key wins under concurrency and failure: concurrent calls in
 * one process, child processes on a shared backend (skipped, saying why, without
 * `harness.childSpec` or `capabilities.crossProcess`), and calls that fail before the store
 * sees them or lose their reply after it wrote. Registered by `scoresContract` in its
 * `describe`, on its store.
 */
export function scoreRacesContract(harness: StoreHarness, ctx: StoreUnderTest): void {
  describe("races and faults", () => {
    it(`${CALLS} concurrent calls with one key: one creates, all return its score, it counts once`, async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      const attempts = Array.from({ length: CALLS }, (_, i) =>
        scoreRecord(P, exp, log.id, { value: i, source: `writer-${i}` }),
      );
      const results = await Promise.all(attempts.map((score) => ctx.store.attachScore(score)));
      const created = results.filter((result) => result?.created);
      expect(created).toHaveLength(1);
      const winner = created[0]!.score;
      expect(attempts).toContainEqual(winner);
      for (const result of results) expect(result?.score).toEqual(winner);
      expect((await ctx.store.getLog(P, log.id))?.scores).toEqual([winner]);
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(
        expectedLogSummaries([log], [winner]),
      );
    });

    const title = (text: string) =>
      harness.childSpec ? text : `${text} [skipped: the harness has no childSpec]`;
    it.skipIf(!harness.childSpec)(
      title(`${CHILDREN} processes attaching the same keys: each key stored and counted once`),
      async (t: TestContext) => {
        t.skip(!ctx.store.capabilities.crossProcess, "store.capabilities.crossProcess is false");
        const exp = newId("exp");
        const logs = Array.from({ length: 10 }, (_, i) =>
          logRecord(P, exp, { variantKey: i % 2 ? "control" : "treatment", metrics: {} }),
        );
        for (const log of logs) await ctx.store.appendLog(log);
        // Every child sends every (log, key) with its own value, in its own order.
        const keys = ["judge", "thumbs", "human"];
        const sent = Array.from({ length: CHILDREN }, (_, child) =>
          shuffled(
            logs.flatMap((log) =>
              keys.map((key) =>
                scoreRecord(P, exp, log.id, {
                  variantKey: log.variantKey,
                  key,
                  name: key === "thumbs" ? "thumbs_up" : "judge",
                  value: child + 1,
                  source: `child-${child}`,
                }),
              ),
            ),
            seededRandom(child + 7),
          ),
        );
        const spec = harness.childSpec!(ctx.store);
        const results = (await runChildren(
          spec,
          sent.map((scores) => ({ op: "attachScores", scores })),
          { runner: runnerPath(), timeoutMs: TIMEOUT_MS - 10_000 },
        )) as AttachScoreResult[][];
        const winners = new Map<string, ScoreRecord>();
        let createdCount = 0;
        results.forEach((perChild, child) => {
          perChild.forEach((result, i) => {
            const id = `${sent[child]![i]!.logId}/${sent[child]![i]!.key}`;
            if (result.created) createdCount += 1;
            expect(winners.get(id) ?? result.score, `winner of ${id}`).toEqual(result.score);
            winners.set(id, result.score);
          });
        });
        expect(createdCount).toBe(logs.length * keys.length);
        expect(winners.size).toBe(logs.length * keys.length);
        const stored: ScoreRecord[] = [];
        for (const log of logs) {
          const read = await ctx.store.getLog(P, log.id);
          expect(read?.scores?.map((score) => score.key).sort()).toEqual([...keys].sort());
          for (const score of read?.scores ?? []) {
            expect(score).toEqual(winners.get(`${log.id}/${score.key}`));
            stored.push(score);
          }
        }
        // The sums depend on the order of addition: compare them within rounding.
        const summaries = await ctx.store.readLogSummaries(P, exp);
        const expected = expectedLogSummaries(logs, stored);
        for (const [variant, metrics] of Object.entries(expected)) {
          for (const [metric, { sum, sumSquares, ...counts }] of Object.entries(metrics)) {
            const got = summaries[variant]?.[metric];
            expect(got, `${variant}/${metric}`).toMatchObject(counts);
            expect(got?.sum).toBeCloseTo(sum, 9);
            expect(got?.sumSquares).toBeCloseTo(sumSquares ?? 0, 9);
          }
        }
        expect(Object.keys(summaries).sort()).toEqual(Object.keys(expected).sort());
      },
      TIMEOUT_MS,
    );

    it("a call that fails before the store sees it writes nothing; the retry creates the score once", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      const store = faultyStore(ctx.store, [{ method: "attachScore" }]);
      const score = scoreRecord(P, exp, log.id);
      await expectCode(store.attachScore(score), "store_unavailable");
      expect(await ctx.store.getLog(P, log.id)).toEqual(listed(log));
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(expectedLogSummaries([log]));
      expect(await store.attachScore(score)).toEqual({ score, created: true });
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(
        expectedLogSummaries([log], [score]),
      );
    });

    it("a call whose reply is lost after the write: the retry finds the score (created: false), counted once", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      const store = faultyStore(ctx.store, [{ method: "attachScore", phase: "after" }]);
      const score = scoreRecord(P, exp, log.id);
      await expectCode(store.attachScore(score), "store_unavailable");
      expect(await store.attachScore({ ...score, value: 0.5 })).toEqual({ score, created: false });
      expect(await ctx.store.getLog(P, log.id)).toEqual(listed(log, [score]));
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(
        expectedLogSummaries([log], [score]),
      );
    });
  });
}
