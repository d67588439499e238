import { join } from "node:path";
import { type LogRecord, newId, sketchBucket } from "@abkit/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION, sqliteStore } from "../src/index.js";
import { MIGRATIONS } from "../src/migrations.js";
import { AGGREGATES_AT_5, LOG_SUMMARIES_AT_5, writeSchema5File } from "./fixtures/schema5.js";
import { useTempDir } from "./fixtures/tempDir.js";

const tempDir = useTempDir();

describe("schema 6: aggregates and log summaries become counters", () => {
  // The version-5 file's log tables hold the summaries of its logs, as every such file's do.
  it("opens a version-5 file and reads back exactly what version 5 read, then drops the old tables", async () => {
    const path = join(tempDir(), "v5.db");
    writeSchema5File(path);
    const store = sqliteStore({ path });
    for (const [projectId, experiments] of Object.entries(AGGREGATES_AT_5)) {
      for (const [experimentId, aggregates] of Object.entries(experiments)) {
        // Events and metric increments by day were not kept at version 5: they count from the upgrade on.
        expect(await store.readAggregates(projectId, experimentId)).toStrictEqual({
          ...aggregates,
          eventsByDay: {},
          metricsByDay: {},
          slices: {},
        });
      }
    }
    // Rebuilt from the logs, the summaries also carry the squares version 5 did not keep.
    const squares: Record<string, number> = {
      "default/exp_a/control/latency_ms": 2 * 123.4 ** 2,
      "default/exp_a/control/delta": 9,
      "default/exp_a/v-2/latency_ms": 0.25,
      "other/exp_a/control/latency_ms": 81,
    };
    for (const [projectId, experiments] of Object.entries(LOG_SUMMARIES_AT_5)) {
      for (const [experimentId, variants] of Object.entries(experiments)) {
        const withSquares = Object.fromEntries(
          Object.entries(variants).map(([variant, metrics]) => [
            variant,
            Object.fromEntries(
              Object.entries(metrics).map(([metric, summary]) => [
                metric,
                {
                  ...summary,
                  sumSquares: squares[`${projectId}/${experimentId}/${variant}/${metric}`],
                  squared: summary.count,
                },
              ]),
            ),
          ]),
        );
        expect(await store.readLogSummaries(projectId, experimentId)).toStrictEqual(withSquares);
      }
    }
    await store.close();

    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toContain("counters");
    for (const folded of ["exposures", "aggregates", "covariate_products", "log_metric_buckets"]) {
      expect(tables).not.toContain(folded);
    }
    db.close();
  });

  it("opens a version-1 file and summarizes its logs, across pages of the backfill", async () => {
    const path = join(tempDir(), "v1.db");
    const db = new Database(path);
    db.exec(MIGRATIONS[0] as string);
    db.pragma("user_version = 1");
    const insert = db.prepare(
      "INSERT INTO logs (id, project_id, experiment_id, body) VALUES (?, ?, ?, ?)",
    );
    const logOf = (
      projectId: string,
      variantKey: string,
      metrics: Record<string, number>,
    ): LogRecord => ({
      id: newId("log"),
      projectId,
      experimentId: "exp_1",
      variantKey,
      input: { query: "2+2?" },
      output: { response: "4" },
      metrics,
      context: null,
      createdAt: "2026-01-01T10:00:00.000Z",
    });
    // 2,501 logs: the backfill reads 1,000 at a time.
    const logs = [logOf("other", "A", { latency_ms: 9 })];
    for (let i = 0; i < 2500; i++) {
      const even = i % 2 === 0;
      logs.push(
        logOf("default", "A", even ? { latency_ms: 100, token_count: 78 } : { latency_ms: 200 }),
      );
    }
    const insertAll = db.transaction(() => {
      for (const log of logs) insert.run(log.id, log.projectId, "exp_1", JSON.stringify(log));
    });
    insertAll();
    db.close();

    const store = sqliteStore({ path });
    expect((await store.listLogs("other", "exp_1", { limit: 10 })).logs).toEqual([
      { ...logs[0], scores: [] },
    ]);
    expect(await store.readLogSummaries("default", "exp_1")).toStrictEqual({
      A: {
        latency_ms: {
          count: 2500,
          sum: 1250 * 100 + 1250 * 200,
          sumSquares: 1250 * 100 ** 2 + 1250 * 200 ** 2,
          squared: 2500,
          buckets: { [sketchBucket(100)]: 1250, [sketchBucket(200)]: 1250 },
        },
        token_count: {
          count: 1250,
          sum: 1250 * 78,
          sumSquares: 1250 * 78 ** 2,
          squared: 1250,
          buckets: { [sketchBucket(78)]: 1250 },
        },
      },
    });
    expect(await store.readLogSummaries("other", "exp_1")).toStrictEqual({
      A: {
        latency_ms: {
          count: 1,
          sum: 9,
          sumSquares: 81,
          squared: 1,
          buckets: { [sketchBucket(9)]: 1 },
        },
      },
    });
    await store.close();
    const reopened = new Database(path);
    expect(reopened.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    reopened.close();
  });

  it("counts new writes on top of the backfilled counters and the totals kept beside them", async () => {
    const path = join(tempDir(), "v5.db");
    writeSchema5File(path);
    const store = sqliteStore({ path });
    const event = {
      entityId: "u1",
      metricName: "tokens",
      value: 2,
      timestamp: "2026-01-03T10:00:00.000Z",
      experimentIds: ["exp_a"],
    };
    // k1 was stored before the upgrade: still a repeat.
    expect(
      await store.applyEvents("default", [
        { ...event, id: "evt_2", idempotencyKey: "k1" },
        { ...event, id: "evt_3", idempotencyKey: "k2" },
      ]),
    ).toEqual({ accepted: 1, deduped: 1 });
    await store.recordAssignments([
      {
        projectId: "default",
        experimentId: "exp_a",
        entityId: "u4",
        variantKey: "control",
        assignedAt: "2026-01-01T12:00:00.000Z",
      },
    ]);
    await store.appendLog({
      id: "log_1",
      projectId: "default",
      experimentId: "exp_a",
      variantKey: "control",
      input: null,
      output: null,
      metrics: { latency_ms: 123.4 },
      context: null,
      createdAt: "2026-01-03T10:00:00.000Z",
    });

    const before = AGGREGATES_AT_5.default.exp_a;
    const after = await store.readAggregates("default", "exp_a");
    expect(after.exposures).toEqual({ ...before.exposures, control: 3 });
    expect(after.exposuresByDay["2026-01-01"]).toEqual({ control: 3 });
    // u1's stored total was 3 (2 events): the sum of squares moves by 5² - 3², entities not at all.
    const tokens = before.metrics.tokens.control;
    expect(after.metrics.tokens?.control).toEqual({
      events: tokens.events + 1,
      sum: tokens.sum + 2,
      sumSquares: tokens.sumSquares + 16,
      entities: tokens.entities,
    });
    // u1's kept covariate (2.5) times the value; not u1's first event of the metric.
    expect(after.covariateProducts.tokens?.["pre:tokens"]?.control).toEqual({
      sumXY: 0.75 + 5,
      sumXWithEvent: 2.5,
    });
    const latency = (await store.readLogSummaries("default", "exp_a")).control?.latency_ms;
    expect(latency).toEqual({
      count: 3,
      sum: 246.8 + 123.4,
      sumSquares: 2 * 123.4 ** 2 + 123.4 ** 2, // two rebuilt from the logs, one appended
      squared: 3,
      buckets: { [sketchBucket(123.4)]: 3 },
    });
    await store.close();
  });
});
