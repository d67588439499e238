import { describe, expect, it } from "vitest";
import {
  eventBatchSchema,
  eventInputSchema,
  experimentInputSchema,
  flagInputSchema,
  logInputSchema,
  parseInput,
} from "../src/schema/index.js";

const variants = [
  { key: "control", weight: 50 },
  { key: "treatment", weight: 50 },
];

describe("schemas", () => {
  it("fills experiment defaults", () => {
    expect(experimentInputSchema.parse({ key: "exp", variants })).toMatchObject({
      coverage: 1,
      hashVersion: 2,
      namespace: null,
      environment: "production",
      segments: [],
      metrics: [],
      overrides: {},
      flagKey: null,
      variants: [{ config: null }, { config: null }],
    });
  });

  it("accepts weights that sum to 100 with float noise, like thirds", () => {
    const thirds = [1, 2, 3].map((i) => ({ key: `v${i}`, weight: 100 / 3 }));
    expect(() => experimentInputSchema.parse({ key: "exp", variants: thirds })).not.toThrow();
  });

  it.each([
    ["a key with spaces", { key: "my exp", variants }, "key:"],
    ["one variant", { key: "exp", variants: [{ key: "a", weight: 100 }] }, "at least two variants"],
    [
      "a negative weight",
      {
        key: "exp",
        variants: [
          { key: "a", weight: -10 },
          { key: "b", weight: 110 },
        ],
      },
      "variants.0.weight",
    ],
    [
      "two primary metrics",
      {
        key: "exp",
        variants,
        metrics: [
          { name: "a", kind: "count", primary: true },
          { name: "b", kind: "sum", primary: true },
        ],
      },
      "at most one metric can be primary",
    ],
    [
      "an unknown metric kind",
      { key: "exp", variants, metrics: [{ name: "a", kind: "median" }] },
      "metrics.0.kind",
    ],
    [
      "an empty namespace range",
      { key: "exp", variants, namespace: { id: "ns", range: [0.5, 0.5] } },
      "namespace.range",
    ],
    ["an unknown field", { key: "exp", variants, weight: 3 }, "Unrecognized key"],
    ["a control that is no variant", { key: "exp", variants, control: "x" }, "control:"],
  ])("rejects %s, naming the field", (_name, input, message) => {
    expect(() => parseInput(experimentInputSchema, input, "experiment")).toThrow(message);
  });

  it("rejects flag values of the wrong type and accepts any JSON for json flags", () => {
    expect(() =>
      parseInput(
        flagInputSchema,
        { key: "f", type: "number", defaultValue: Number.POSITIVE_INFINITY },
        "flag",
      ),
    ).toThrow("defaultValue");
    expect(
      flagInputSchema.parse({ key: "f", type: "json", defaultValue: { a: [1] } }).enabled,
    ).toBe(false);
  });

  it("defaults an event's value to 1 and refuses NaN, Infinity and oversized batches", () => {
    expect(eventInputSchema.parse({ entityId: "u", metricName: "thumbs_up" }).value).toBe(1);
    expect(() =>
      parseInput(eventInputSchema, { entityId: "u", metricName: "m", value: Number.NaN }, "event"),
    ).toThrow("value");
    expect(() =>
      parseInput(
        eventInputSchema,
        { entityId: "u", metricName: "m", value: Number.POSITIVE_INFINITY },
        "event",
      ),
    ).toThrow("value");
    const batch = Array.from({ length: 1001 }, () => ({ entityId: "u", metricName: "m" }));
    expect(() => parseInput(eventBatchSchema, batch, "events")).toThrow(
      "at most 1000 events per batch",
    );
  });

  it("requires a log's variantKey and finite metrics", () => {
    expect(() => parseInput(logInputSchema, { input: {} }, "log")).toThrow("variantKey");
    expect(() =>
      parseInput(logInputSchema, { variantKey: "A", metrics: { latency_ms: "fast" } }, "log"),
    ).toThrow("metrics.latency_ms");
  });
});
