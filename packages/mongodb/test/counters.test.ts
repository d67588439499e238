import { counterId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { LOG_COUNTERS, METRIC_COUNTERS } from "../src/counters.js";

// One id of every family, with names that look like other families' prefixes.
const ids = {
  exposures: counterId.exposures("log"),
  exposuresByDay: counterId.exposuresByDay("2026-01-02", "metric"),
  metric: counterId.metric("log", "A", "events"),
  covariate: counterId.covariate("metric", "A", "sum"),
  covariateProduct: counterId.covariateProduct("log", "metric", "A", "sumXY"),
  crossProduct: counterId.crossProduct("log", "metric", "A"),
  log: counterId.log("A", "metric", "count"),
  logBucket: counterId.logBucket("metric", "log", "p241"),
};

describe("the counter families the store reads apart", () => {
  it("tells log summaries from aggregates by their counterId", () => {
    const logs = Object.entries(ids).filter(([, id]) => LOG_COUNTERS.test(id));
    expect(logs.map(([family]) => family)).toEqual(["log", "logBucket"]);
  });

  it("finds the metric counters the undeclared-metric cap reads", () => {
    const metrics = Object.entries(ids).filter(([, id]) => METRIC_COUNTERS.test(id));
    expect(metrics.map(([family]) => family)).toEqual(["metric"]);
  });
});
