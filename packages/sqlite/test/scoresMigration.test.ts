import { join } from "node:path";
import { type LogRecord, newId, type ScoreRecord } from "@abkit/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION, sqliteStore } from "../src/index.js";
import { MIGRATIONS } from "../src/migrations.js";
import { useTempDir } from "./fixtures/tempDir.js";

const tempDir = useTempDir();

describe("schema 8: scores on logs", () => {
  it("opens a version-7 file: its logs read with no scores, take scores and count them", async () => {
    const path = join(tempDir(), "v7.db");
    const db = new Database(path);
    for (const migration of MIGRATIONS.slice(0, 7)) {
      if (typeof migration === "string") db.exec(migration);
      else migration(db);
    }
    db.pragma("user_version = 7");
    const log: LogRecord = {
      id: newId("log"),
      projectId: "default",
      experimentId: "exp_1",
      variantKey: "A",
      input: null,
      output: "4",
      metrics: {},
      context: null,
      createdAt: "2026-01-01T10:00:00.000Z",
    };
    db.prepare("INSERT INTO logs (id, project_id, experiment_id, body) VALUES (?, ?, ?, ?)").run(
      log.id,
      log.projectId,
      log.experimentId,
      JSON.stringify(log),
    );
    db.close();

    const store = sqliteStore({ path });
    expect(await store.getLog("default", log.id)).toEqual({ ...log, scores: [] });
    const score: ScoreRecord = {
      projectId: "default",
      experimentId: "exp_1",
      logId: log.id,
      variantKey: "A",
      key: "judge",
      name: "judge",
      value: 1,
      source: null,
      createdAt: "2026-01-01T10:01:00.000Z",
    };
    expect(await store.attachScore(score)).toEqual({ score, created: true });
    expect((await store.readLogSummaries("default", "exp_1")).A?.judge?.count).toBe(1);
    await store.close();
    const reopened = new Database(path);
    expect(reopened.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(8);
    reopened.close();
  });
});
