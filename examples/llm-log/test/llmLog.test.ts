import { describe, expect, it } from "vitest";
import { runLlmLog } from "../src/llmLog.js";

describe("llm-log example", () => {
  it("logs 500 calls, pages them back newest first, and summarizes B as slower and longer", async () => {
    const run = await runLlmLog(500, 1001);

    expect((run.logged.A ?? 0) + (run.logged.B ?? 0)).toBe(500);
    expect(run.logged.A).toBeGreaterThan(150);
    expect(run.logged.B).toBeGreaterThan(150);

    // Paging returns every log exactly once, newest first.
    expect(run.paged).toHaveLength(500);
    expect(run.pages).toBe(5);
    expect(new Set(run.paged.map((log) => log.id)).size).toBe(500);
    for (let i = 1; i < run.paged.length; i++) {
      expect(run.paged[i - 1]!.createdAt >= run.paged[i]!.createdAt).toBe(true);
    }
    const newest = run.paged[0]!;
    expect(newest.context).toEqual({ session_id: "session_99", environment: "production" });
    expect(Object.keys(newest.metrics).sort()).toEqual(["cost_usd", "latency_ms", "token_count"]);
    expect((newest.input as { query: string }).query).toBeTypeOf("string");

    // An unknown variant is a typed validation error, not a silent write.
    expect(run.unknownVariant).toMatchObject({
      name: "ValidationError",
      code: "validation_failed",
    });
    expect(run.unknownVariant?.message).toContain('"C" is not a variant');

    // Per-variant summaries: counts match what was logged, B is slower, longer and dearer.
    const metric = (name: string) => {
      const found = run.logMetrics.find((m) => m.name === name);
      const a = found?.variants.find((v) => v.variantKey === "A");
      const b = found?.variants.find((v) => v.variantKey === "B");
      if (!a || !b) throw new Error(`no ${name} summary for A and B`);
      return { a, b };
    };
    expect(run.logMetrics.map((m) => m.name).sort()).toEqual([
      "cost_usd",
      "latency_ms",
      "token_count",
    ]);
    for (const name of ["latency_ms", "token_count", "cost_usd"]) {
      const { a, b } = metric(name);
      expect(a.count).toBe(run.logged.A);
      expect(b.count).toBe(run.logged.B);
      expect(b.p50!).toBeGreaterThan(a.p50!);
      expect(b.mean!).toBeGreaterThan(a.mean!);
      for (const v of [a, b]) {
        expect(v.p50!).toBeLessThanOrEqual(v.p95!);
        expect(v.p95!).toBeLessThanOrEqual(v.p99!);
      }
    }
    // The summary's means match the raw logs.
    const latencies = run.paged
      .filter((log) => log.variantKey === "B")
      .map((log) => log.metrics.latency_ms ?? 0);
    const mean = latencies.reduce((sum, x) => sum + x, 0) / latencies.length;
    expect(metric("latency_ms").b.mean!).toBeCloseTo(mean, 6);
  });
});
