import { type LogRecord, newId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { listed, logRecord } from "./fixtures.js";
import { expectCode, useStore } from "./harness.js";
import { expectedLogSummaries } from "./logsExpected.js";
import type { StoreHarness } from "./types.js";

const P = "logs-project";

/**
 * Execution logs: append and read back deep-equal, newest (highest id) first, cursor paging
 * that covers every log exactly once, per-experiment lists, unique ids.
 *
 * @example
 * describe("my store", () => logsContract({ create: async () => myStore() }));
 */
export function logsContract(harness: StoreHarness): void {
  describe("logs", () => {
    const ctx = useStore(harness);

    it("summarizes each variant's log metrics: count, sum, sum of squares and sketch buckets equal a recount", async () => {
      const exp = newId("exp");
      const logs = Array.from({ length: 40 }, (_, i) =>
        logRecord(P, exp, {
          variantKey: i % 3 === 0 ? "control" : "treatment",
          // Zero, negatives, fractions, repeats, a metric only some logs carry, and a key
          // that names an Object.prototype member.
          metrics: {
            latency_ms: (i * 37) % 1000,
            delta: i % 5 === 0 ? -i / 3 : i / 7,
            ...(i % 4 === 0 ? { constructor: 1 } : {}),
          },
        }),
      );
      for (const log of logs) await ctx.store.appendLog(log);
      await ctx.store.appendLog(logRecord(P, newId("exp"), { metrics: { latency_ms: 5 } }));
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(expectedLogSummaries(logs));
    });

    it("reads empty log summaries for an experiment without logs, and keeps a failed append out", async () => {
      const exp = newId("exp");
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual({});
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      await expectCode(ctx.store.appendLog({ ...log, metrics: { latency_ms: 1 } }), "conflict");
      expect(await ctx.store.readLogSummaries(P, exp)).toEqual(expectedLogSummaries([log]));
    });

    it("lists { logs: [], nextCursor: null } for an experiment without logs", async () => {
      expect(await ctx.store.listLogs(P, newId("exp"), { limit: 10 })).toEqual({
        logs: [],
        nextCursor: null,
      });
    });

    it("reads appended logs back deep-equal, newest first", async () => {
      const exp = newId("exp");
      const logs = Array.from({ length: 5 }, (_, i) => logRecord(P, exp, { input: { i } }));
      for (const log of logs) await ctx.store.appendLog(log);
      expect(await ctx.store.listLogs(P, exp, { limit: 10 })).toEqual({
        logs: [...logs].reverse().map((log) => listed(log)),
        nextCursor: null,
      });
    });

    it("orders by id (ULIDs sort by time), whatever the append order", async () => {
      const exp = newId("exp");
      const logs = Array.from({ length: 6 }, () => logRecord(P, exp));
      for (const i of [3, 0, 5, 1, 4, 2]) await ctx.store.appendLog(logs[i]!);
      const { logs: listed } = await ctx.store.listLogs(P, exp, { limit: 10 });
      expect(listed.map((log) => log.id)).toEqual(logs.map((log) => log.id).reverse());
    });

    it("pages with nextCursor over every log exactly once, for every page size", async () => {
      const exp = newId("exp");
      const logs = Array.from({ length: 7 }, () => logRecord(P, exp));
      for (const log of logs) await ctx.store.appendLog(log);
      const newestFirst = logs.map((log) => log.id).reverse();
      for (let limit = 1; limit <= 8; limit++) {
        const seen: string[] = [];
        const pages: LogRecord[][] = [];
        let before: string | undefined;
        for (;;) {
          const page = await ctx.store.listLogs(P, exp, { limit, before });
          pages.push(page.logs);
          seen.push(...page.logs.map((log) => log.id));
          if (page.nextCursor === null) break;
          expect(page.logs, `limit ${limit}: a page with a cursor is full`).toHaveLength(limit);
          expect(pages.length, `limit ${limit}: paging ends`).toBeLessThanOrEqual(logs.length);
          before = page.nextCursor;
        }
        expect(seen, `limit ${limit}`).toEqual(newestFirst);
        // The last page carries nextCursor null even when it is exactly full.
        expect(pages, `limit ${limit}: page count`).toHaveLength(Math.ceil(logs.length / limit));
      }
    });

    it("keeps each experiment's logs apart", async () => {
      const [exp1, exp2] = [newId("exp"), newId("exp")];
      const logs = Array.from({ length: 6 }, (_, i) => logRecord(P, i % 2 ? exp2 : exp1));
      for (const log of logs) await ctx.store.appendLog(log);
      const ids = (exp: string) =>
        logs
          .filter((log) => log.experimentId === exp)
          .map((log) => log.id)
          .reverse();
      const list = async (exp: string) =>
        (await ctx.store.listLogs(P, exp, { limit: 10 })).logs.map((log) => log.id);
      expect(await list(exp1)).toEqual(ids(exp1));
      expect(await list(exp2)).toEqual(ids(exp2));
    });

    it("rejects a repeated id with conflict, also under another experiment", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      await ctx.store.appendLog(log);
      await expectCode(ctx.store.appendLog({ ...log, output: "changed" }), "conflict");
      await expectCode(ctx.store.appendLog({ ...log, experimentId: newId("exp") }), "conflict");
      expect(await ctx.store.listLogs(P, exp, { limit: 10 })).toEqual({
        logs: [listed(log)],
        nextCursor: null,
      });
    });

    it("never shares objects with callers, in either direction", async () => {
      const exp = newId("exp");
      const log = logRecord(P, exp);
      const expected = structuredClone(log);
      await ctx.store.appendLog(log);
      log.metrics.latency_ms = -1;
      (log.input as { messages: unknown[] }).messages.length = 0;
      const read = await ctx.store.listLogs(P, exp, { limit: 1 });
      (read.logs[0]!.context as { tags: string[] }).tags.push("mutated");
      read.logs.length = 0;
      expect((await ctx.store.listLogs(P, exp, { limit: 1 })).logs).toEqual([listed(expected)]);
    });
  });
}
