import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import type { EventRecord } from "../../src/schema/event.js";
import { experimentInputSchema } from "../../src/schema/experiment.js";
import { checkEventRecords } from "../../src/store/recordChecks.js";
import type { Store } from "../../src/store.js";
import { newEngine, promptExperiment } from "./fixtures.js";

const key = "math-bot-system-prompt-v2";

const metrics = [
  { name: "revenue", kind: "sum" as const, primary: true, cap: 100 },
  { name: "orders", kind: "count" as const },
  {
    name: "revenue_per_order",
    kind: "ratio" as const,
    numerator: "revenue",
    denominator: "orders",
  },
  { name: "thumbs_up", kind: "binomial" as const },
];

// A memory store whose applyEvents records what the engine sent.
function recordingStore(): { store: Store; sent: EventRecord[] } {
  const store = memoryStore();
  const sent: EventRecord[] = [];
  const applyEvents = store.applyEvents.bind(store);
  store.applyEvents = (projectId, events) => {
    sent.push(...events);
    return applyEvents(projectId, events);
  };
  return { store, sent };
}

describe("capping: what track sends", () => {
  it("carries each running experiment's caps of the event's metric and of its ratio partners", async () => {
    const { store, sent } = recordingStore();
    const abkit = newEngine(store);
    const { id } = await abkit.experiments.create(promptExperiment({ metrics }));
    await abkit.experiments.start(key);
    await abkit.track([
      { entityId: "u1", metricName: "revenue", value: 250 },
      { entityId: "u1", metricName: "orders" },
      { entityId: "u1", metricName: "thumbs_up" },
    ]);
    expect(sent.map((event) => event.caps)).toEqual([
      { [id]: { revenue: 100 } },
      // An order multiplies the capped revenue total into the ratio's cross product.
      { [id]: { revenue: 100 } },
      undefined,
    ]);
  });

  it("carries the experiment's caps with a conversion", async () => {
    const { store, sent } = recordingStore();
    const abkit = newEngine(store);
    const { id } = await abkit.experiments.create(promptExperiment({ metrics }));
    await abkit.experiments.start(key);
    await abkit.trackConversion({ experimentKey: key, userId: "u1", metricName: "revenue" });
    expect(sent[0]?.caps).toEqual({ [id]: { revenue: 100 } });
  });

  it("counts a user's revenue as at most the cap in the results, and says so", async () => {
    const abkit = newEngine(memoryStore());
    await abkit.experiments.create(promptExperiment({ metrics }));
    await abkit.experiments.start(key);
    const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId: "u1" });
    await abkit.track([
      { entityId: "u1", metricName: "revenue", value: 70 },
      { entityId: "u1", metricName: "revenue", value: 70 },
    ]);
    const revenue = (await abkit.results(key)).metrics.find((m) => m.name === "revenue")!;
    expect(revenue.cap).toBe(100);
    const row = revenue.variants.find((v) => v.variantKey === variantKey)!;
    expect({ sum: row.sum, sumSquares: row.sumSquares }).toEqual({ sum: 100, sumSquares: 10_000 });
  });
});

describe("capping: definitions", () => {
  it("refuses a cap on a ratio metric, which divides other metrics' totals", () => {
    const parsed = experimentInputSchema.safeParse(
      promptExperiment({
        metrics: [{ name: "r", kind: "ratio", numerator: "a", denominator: "b", cap: 5 }],
      }),
    );
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([["metrics", 0, "cap"]]);
  });

  it("lets a draft change its caps freely", async () => {
    const abkit = newEngine(memoryStore());
    await abkit.experiments.create(promptExperiment({ metrics }));
    const updated = await abkit.experiments.update(key, {
      metrics: metrics.map((m) => (m.name === "revenue" ? { ...m, cap: 50 } : m)),
    });
    expect(updated.metrics[0]?.cap).toBe(50);
  });

  it.each([
    [
      "changing",
      (m: (typeof metrics)[number]) => (m.name === "revenue" ? { ...m, cap: 50 } : m),
      "metrics.0.cap: the cap cannot change from 100 once the experiment is running",
    ],
    [
      "removing",
      (m: (typeof metrics)[number]) => {
        const { cap: _, ...rest } = m as { cap?: number };
        return rest as (typeof metrics)[number];
      },
      "metrics.0.cap: the cap 100 cannot be removed once the experiment is running",
    ],
    [
      "adding",
      (m: (typeof metrics)[number]) => (m.name === "orders" ? { ...m, cap: 3 } : m),
      "metrics.1.cap: a cap cannot be added once the experiment is running",
    ],
  ])("refuses %s a cap once the experiment runs, naming the field", async (_, change, message) => {
    const abkit = newEngine(memoryStore());
    await abkit.experiments.create(promptExperiment({ metrics }));
    await abkit.experiments.start(key);
    const attempt = abkit.experiments.update(key, { metrics: metrics.map(change) });
    await expect(attempt).rejects.toMatchObject({ code: "validation_failed" });
    await expect(attempt).rejects.toThrow(message);
    expect((await abkit.experiments.get(key))?.metrics[0]?.cap).toBe(100);
  });

  it("refuses removing a capped metric once stopped, and allows resending the same caps", async () => {
    const abkit = newEngine(memoryStore());
    await abkit.experiments.create(promptExperiment({ metrics }));
    await abkit.experiments.start(key);
    await abkit.experiments.stop(key);
    await expect(
      abkit.experiments.update(key, { metrics: metrics.filter((m) => m.name !== "revenue") }),
    ).rejects.toThrow(
      'metrics: metric "revenue" is capped at 100 and cannot be removed once the experiment is stopped',
    );
    const same = await abkit.experiments.update(key, { metrics, description: "same caps" });
    expect(same.description).toBe("same caps");
    expect(same.metrics[0]?.cap).toBe(100);
  });
});

describe("capping: store input checks", () => {
  const base: EventRecord = {
    id: "evt_1",
    entityId: "u1",
    metricName: "revenue",
    value: 1,
    idempotencyKey: null,
    timestamp: "2026-03-01T00:00:00.000Z",
    experimentIds: ["e1"],
  };

  it("takes caps shaped as experiment -> metric -> a cap above 0 and at most 1e12", () => {
    expect(() =>
      checkEventRecords([{ ...base, caps: { e1: { revenue: 1e12, orders: 0.25 } } }]),
    ).not.toThrow();
    expect(() => checkEventRecords([{ ...base, caps: { e1: {} } }])).not.toThrow();
  });

  it.each([
    ["a list", [], "0.caps: must be an object"],
    ["a number per experiment", { e1: 5 }, "0.caps.e1: must be an object"],
    [
      "a cap of 0",
      { e1: { revenue: 0 } },
      "0.caps.e1.revenue: must be a number above 0 and at most 1000000000000",
    ],
    ["a negative cap", { e1: { revenue: -1 } }, "0.caps.e1.revenue"],
    ["NaN", { e1: { revenue: Number.NaN } }, "0.caps.e1.revenue"],
    ["a cap beyond 1e12", { e1: { revenue: 2e12 } }, "0.caps.e1.revenue"],
    ["a cap as text", { e1: { revenue: "5" } }, "0.caps.e1.revenue"],
    ["a metric that is not a name", { e1: { "bad name": 5 } }, "0.caps.e1.bad name"],
  ])("refuses %s", (_, caps, message) => {
    const bad = { ...base, caps } as unknown as EventRecord;
    expect(() => checkEventRecords([bad])).toThrow(message);
  });

  it("makes a store refuse the whole batch before writing", async () => {
    const store = memoryStore();
    const bad = { ...base, caps: { e1: { revenue: 0 } } };
    await expect(store.applyEvents("p", [base, bad])).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect(
      await store.readEntityTotals("p", [
        { entityId: "u1", metrics: ["revenue"], fromDay: "2026-03-01", toDay: "2026-03-02" },
      ]),
    ).toEqual([{ revenue: 0 }]);
  });
});
