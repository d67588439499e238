import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { runWorkers } from "../src/workers.js";

const SERVER = process.env.ABKIT_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function serverAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const answers = await serverAnswers();
const required = process.env.ABKIT_REQUIRE_POSTGRES === "1";
const SKIPPED = `no PostgreSQL at ${SERVER}: set ABKIT_POSTGRES_URL (skipped)`;

describe("postgres workers example", () => {
  it.skipIf(!answers && !required)(
    answers ? "counts each user and each key once across 3 processes" : SKIPPED,
    async () => {
      expect(answers, `PostgreSQL is required (ABKIT_REQUIRE_POSTGRES=1): ${SKIPPED}`).toBe(true);
      const schema = `abkit_example_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      const url = `${SERVER}${SERVER.includes("?") ? "&" : "?"}schema=${schema}`;
      const admin = new pg.Client({ connectionString: SERVER });
      await admin.connect();
      try {
        const users = 120;
        const { reports, results, lines } = await runWorkers({ url, workers: 3, users });
        // Every process got the same variant for every user: one stored assignment each.
        for (const report of reports) expect(report.variants).toEqual(reports[0]!.variants);
        const exposed = results.metrics[0]!.variants.reduce((n, v) => n + v.users, 0);
        expect(exposed).toBe(users);
        // 40 keys sent by 3 processes: accepted once in all, deduped in the others.
        const accepted = reports.reduce((n, r) => n + r.accepted, 0);
        const deduped = reports.reduce((n, r) => n + r.deduped, 0);
        expect({ accepted, deduped }).toEqual({ accepted: 40, deduped: 80 });
        const opened = results.metrics.find((metric) => metric.name === "opened")!;
        expect(opened.variants.reduce((n, v) => n + v.events, 0)).toBe(40);
        expect(lines.join("\n")).toContain("3 processes served the same 120 users");
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    },
  );
});
