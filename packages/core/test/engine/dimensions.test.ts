import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { sliceKey } from "../../src/aggregation/slices.js";
import { dimensionResults, TOP_SLICES } from "../../src/engine/results/dimensions.js";
import { createAbkit } from "../../src/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import type { ExperimentAggregates, MetricAggregate, SliceAggregates } from "../../src/store.js";
import { binomial } from "../stats/binomialSimulation.js";
import { seededRandom } from "../support/random.js";

const VARIANTS = ["control", "treatment"];
const BINOMIAL = [{ name: "converted", kind: "binomial" as const, direction: "higher" as const }];

// A binomial metric's slice: users and converters per variant (converters = entities).
function rateSlice(control: [number, number], treatment: [number, number]): SliceAggregates {
  const aggregate = ([, converted]: [number, number]): MetricAggregate => ({
    events: converted,
    sum: converted,
    sumSquares: converted,
    entities: converted,
  });
  return {
    exposures: { control: control[0], treatment: treatment[0] },
    metrics: { converted: { control: aggregate(control), treatment: aggregate(treatment) } },
  };
}

function withSlices(slices: Record<string, Record<string, SliceAggregates>>): ExperimentAggregates {
  return { ...emptyAggregates(), slices };
}

describe("dimension breakdowns in the results", () => {
  it("break every metric down by the entity's properties at first exposure; slices add up to the whole", async () => {
    const store = memoryStore();
    const abkit = createAbkit({ store, banditCheckMs: 0 });
    await abkit.experiments.create({
      key: "checkout",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [
        { name: "revenue", kind: "sum", primary: true },
        { name: "converted", kind: "binomial" },
      ],
      dimensions: ["country", "returning"],
    });
    await abkit.experiments.start("checkout");
    const random = seededRandom(11);
    const countries = ["FR", "DE", "US", 7, undefined];
    // An independent recount: (dimension value, variant) -> users and Σ revenue.
    const recount = new Map<string, { users: number; revenue: number }>();
    const count = (key: string, revenue: number, users: number) => {
      const cell = recount.get(key) ?? { users: 0, revenue: 0 };
      cell.users += users;
      cell.revenue += revenue;
      recount.set(key, cell);
    };
    const entities: { id: string; variant: string; country: string; returning: string }[] = [];
    for (let i = 0; i < 300; i++) {
      const country = countries[Math.floor(random() * countries.length)];
      const returning = random() < 0.5;
      const properties: Record<string, string | number | boolean> = { returning };
      if (country !== undefined) properties.country = country;
      const { variantKey } = await abkit.evaluate({
        experimentKey: "checkout",
        entityId: `u${i}`,
        properties,
      });
      // A later evaluation with other properties changes nothing: first exposure wins.
      await abkit.evaluate({
        experimentKey: "checkout",
        entityId: `u${i}`,
        properties: { country: "ZZ" },
      });
      const entity = {
        id: `u${i}`,
        variant: variantKey ?? "",
        country: country === undefined ? "(none)" : String(country),
        returning: String(returning),
      };
      entities.push(entity);
      count(`country/${entity.country}/${entity.variant}`, 0, 1);
      count(`returning/${entity.returning}/${entity.variant}`, 0, 1);
    }
    await abkit.flush();
    const events = entities.flatMap((entity, i) => {
      if (i % 3 === 0) return [];
      const value = (i % 9) + 0.25;
      count(`country/${entity.country}/${entity.variant}`, value, 0);
      count(`returning/${entity.returning}/${entity.variant}`, value, 0);
      return [
        { entityId: entity.id, metricName: "revenue", value },
        { entityId: entity.id, metricName: "converted", value: 1 },
      ];
    });
    await abkit.track(events);
    await abkit.flush();
    const results = await abkit.results("checkout");
    await abkit.close();

    expect(results.dimensions.map((d) => d.name)).toEqual(["country", "returning"]);
    const country = results.dimensions[0]!;
    // Values ordered by users; the entities without a country are `none`, last.
    expect(country.slices.map((s) => s.kind)).toEqual(["value", "value", "value", "value", "none"]);
    expect(new Set(country.slices.map((s) => s.value))).toEqual(
      new Set(["FR", "DE", "US", "7", null]),
    );
    const users = country.slices.map((s) => s.users);
    expect([...users].slice(0, 4)).toEqual([...users].slice(0, 4).sort((a, b) => b - a));
    for (const dimension of results.dimensions) {
      for (const slice of dimension.slices) {
        const label = slice.kind === "none" ? "(none)" : (slice.value ?? "");
        for (const variant of slice.variants) {
          const expected = recount.get(`${dimension.name}/${label}/${variant.key}`);
          expect(variant.users, `${dimension.name}=${label} ${variant.key}`).toBe(
            expected?.users ?? 0,
          );
          const revenue = slice.metrics.find((m) => m.name === "revenue");
          const row = revenue?.variants.find((v) => v.variantKey === variant.key);
          expect(row?.sum).toBeCloseTo(expected?.revenue ?? 0, 9);
        }
      }
      // Slices add up to the whole: users per variant, and each metric's sums per variant.
      for (const variant of results.variants) {
        const sliceUsers = dimension.slices.reduce(
          (total, slice) => total + (slice.variants.find((v) => v.key === variant.key)?.users ?? 0),
          0,
        );
        expect(sliceUsers).toBe(variant.users);
        for (const metric of results.metrics) {
          const whole = metric.variants.find((v) => v.variantKey === variant.key);
          const parts = dimension.slices.map(
            (slice) =>
              slice.metrics
                .find((m) => m.name === metric.name)
                ?.variants.find((v) => v.variantKey === variant.key) ?? null,
          );
          const total = (field: "sum" | "sumSquares" | "usersWithEvents" | "events") =>
            parts.reduce((acc, part) => acc + (part?.[field] ?? 0), 0);
          expect(total("sum")).toBeCloseTo(whole?.sum ?? 0, 9);
          expect(total("sumSquares")).toBeCloseTo(whole?.sumSquares ?? 0, 9);
          expect(total("usersWithEvents")).toBe(whole?.usersWithEvents);
          expect(total("events")).toBe(whole?.events);
        }
      }
    }
  });

  it("keeps the 20 values with the most users and sums the rest, with the store's other, in `other`", () => {
    // Values v01..v25 with 25..1 users per variant; the store already summed 3 under other.
    const slices: Record<string, SliceAggregates> = {};
    for (let i = 1; i <= 25; i++) {
      const n = 26 - i;
      slices[sliceKey(`v${String(i).padStart(2, "0")}`)] = rateSlice([n, 1], [n, 1]);
    }
    slices.other = rateSlice([3, 1], [3, 0]);
    slices.none = rateSlice([2, 0], [2, 2]);
    const [dimension] = dimensionResults(
      { dimensions: ["plan"], bandit: null },
      withSlices({ plan: slices }),
      VARIANTS,
      BINOMIAL,
      0.05,
    );
    const kinds = dimension!.slices.map((s) => s.kind);
    expect(kinds).toEqual([...Array(TOP_SLICES).fill("value"), "other", "none"]);
    expect(dimension!.slices.slice(0, TOP_SLICES).map((s) => s.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => `v${String(i + 1).padStart(2, "0")}`),
    );
    // other: values v21..v25 (5+4+3+2+1 users per variant) and the stored 3.
    const other = dimension!.slices[TOP_SLICES]!;
    expect(other.variants).toEqual([
      { key: "control", users: 18 },
      { key: "treatment", users: 18 },
    ]);
    expect(other.users).toBe(36);
    // Converters: 5 values x 1 plus the stored other's 1 (control) and 0 (treatment).
    expect(other.metrics[0]!.variants.map((v) => v.usersWithEvents)).toEqual([6, 5]);
    expect(dimension!.slices.at(-1)).toMatchObject({ kind: "none", value: null, users: 4 });
  });

  it("leaves out `other` and `none` without users, and a dimension without data has no slices", () => {
    const [country, device] = dimensionResults(
      { dimensions: ["country", "device"], bandit: null },
      withSlices({ country: { [sliceKey("FR")]: rateSlice([4, 1], [4, 2]) } }),
      VARIANTS,
      BINOMIAL,
      0.05,
    );
    expect(country!.slices.map((s) => [s.kind, s.value])).toEqual([["value", "FR"]]);
    expect(device).toEqual({ name: "device", slices: [] });
  });

  it("adjusts each treatment's p-values with Holm across the dimension's slices", () => {
    const aggregates = withSlices({
      country: {
        [sliceKey("A")]: rateSlice([1000, 100], [1000, 140]),
        [sliceKey("B")]: rateSlice([900, 90], [900, 112]),
        [sliceKey("C")]: rateSlice([800, 80], [800, 84]),
      },
    });
    const [dimension] = dimensionResults(
      { dimensions: ["country"], bandit: null },
      aggregates,
      VARIANTS,
      BINOMIAL,
      0.05,
    );
    const comparisons = dimension!.slices.map((s) => s.metrics[0]!.variants[1]!.comparison!);
    const p = comparisons.map((c) => c.pValue!);
    // Holm by hand for three p-values: sorted p(1) <= p(2) <= p(3) become 3·p(1),
    // max(3·p(1), 2·p(2)), max(that, p(3)), each capped at 1.
    const order = [0, 1, 2].sort((a, b) => p[a]! - p[b]!);
    const expected: number[] = [];
    let running = 0;
    order.forEach((index, rank) => {
      running = Math.max(running, Math.min(1, (3 - rank) * p[index]!));
      expected[index] = running;
    });
    comparisons.forEach((comparison, i) => {
      expect(comparison.pValueAdjusted).toBeCloseTo(expected[i]!, 12);
      expect(comparison.adjustment).toEqual({ method: "holm", across: "slices", tests: 3 });
    });
    // The same by hand from the pooled two-proportion z-test, p = erfc(|z| / √2), in Python's
    // math module: p = 0.0059159, 0.1004164, 0.7416256 -> Holm 0.0177476, 0.2008327, 0.7416256.
    expect(p.map((value) => Number(value.toFixed(7)))).toEqual([0.0059159, 0.1004164, 0.7416256]);
    expect(comparisons.map((c) => Number(c.pValueAdjusted!.toFixed(7)))).toEqual([
      0.0177476, 0.2008327, 0.7416256,
    ]);
  });

  it("keeps the share of null experiments with any slice flagged at or below alpha (seeded, 10 slices)", () => {
    // 1,000 experiments without any effect, 10 slices of 150 users per arm converting at
    // 10%: without a correction about 1 - 0.95^10 = 40% would flag some slice.
    const random = seededRandom(2026);
    const alpha = 0.05;
    const runs = 1000;
    let flagged = 0;
    let flaggedRaw = 0;
    for (let run = 0; run < runs; run++) {
      const slices: Record<string, SliceAggregates> = {};
      for (let s = 0; s < 10; s++) {
        slices[sliceKey(`s${s}`)] = rateSlice(
          [150, binomial(150, 0.1, random)],
          [150, binomial(150, 0.1, random)],
        );
      }
      const [dimension] = dimensionResults(
        { dimensions: ["segment"], bandit: null },
        withSlices({ segment: slices }),
        VARIANTS,
        BINOMIAL,
        alpha,
      );
      const comparisons = dimension!.slices.map((s) => s.metrics[0]!.variants[1]!.comparison!);
      if (comparisons.some((c) => (c.pValueAdjusted ?? 1) < alpha)) flagged++;
      if (comparisons.some((c) => (c.pValue ?? 1) < alpha)) flaggedRaw++;
    }
    expect(flagged / runs).toBeLessThanOrEqual(alpha);
    // The correction is what keeps it there.
    expect(flaggedRaw / runs).toBeGreaterThan(0.25);
  }, 120_000);

  it("reports no fixed-sample p-values for a bandit's slices", () => {
    const [dimension] = dimensionResults(
      { dimensions: ["country"], bandit: { floor: 0.05 } as never },
      withSlices({ country: { [sliceKey("FR")]: rateSlice([100, 10], [100, 30]) } }),
      VARIANTS,
      BINOMIAL,
      0.05,
    );
    const comparison = dimension!.slices[0]!.metrics[0]!.variants[1]!.comparison!;
    expect(comparison.pValue).toBeNull();
    expect(comparison.pValueAdjusted).toBeNull();
    expect(comparison.absolute.estimate).toBeCloseTo(0.2, 12);
  });
});
