import { type Abkit, createAbkit, type ExperimentResults } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { seededRandom } from "@abkit/store-tests";
import { beforeAll, describe, expect, it } from "vitest";
import {
  formatChance,
  formatCount,
  formatNumber,
  formatPercent,
  formatPoints,
  formatPValue,
} from "../src/format/numbers.js";
import { renderResults } from "../src/format/results.js";
import { renderTable } from "../src/format/table.js";

let abkit: Abkit;

beforeAll(async () => {
  abkit = createAbkit({ store: memoryStore() });
  await simulateCheckout(abkit);
  await simulatePrompts(abkit);
});

describe("renderResults, two variants", () => {
  let results: ExperimentResults;
  let text: string;
  beforeAll(async () => {
    results = await abkit.results("checkout");
    text = renderResults(results);
  });

  it("opens with the experiment, its control and the interval level", () => {
    expect(text.split("\n").slice(0, 2)).toEqual([
      "Experiment checkout (running)",
      "Control: control. Intervals: 95%. Effects: treatment minus control.",
    ]);
  });

  it("gives the sample-ratio verdict before any metric", () => {
    expect(results.srm?.mismatch).toBe(false);
    const srm = section(text, "Sample ratio:");
    expect(srm).toBe(
      `Sample ratio: ok, users match the weights (chi-square ${formatNumber(results.srm!.chiSquare)}, p = ${formatPValue(results.srm!.pValue)}).`,
    );
    expect(text.indexOf("Sample ratio:")).toBeLessThan(text.indexOf("Metric "));
  });

  it("lists the variants with weights, users and shares", () => {
    const total = results.variants.reduce((sum, variant) => sum + variant.users, 0);
    expect(total).toBe(600);
    const table = section(text, "Variants");
    for (const variant of results.variants) {
      expect(row(table, variant.key)).toEqual([
        variant.key,
        "50%",
        formatCount(variant.users),
        formatPercent(variant.users / total),
      ]);
    }
  });

  it("shows a binomial metric as rates with effects in percentage points", () => {
    const metric = results.metrics.find((candidate) => candidate.name === "purchase")!;
    const table = section(text, "Metric purchase (binomial, primary)");
    expect(table.split("\n")[1]).toMatch(
      /^ {2}VARIANT +USERS +RATE \(CONVERTED\) +EFFECT \(95% CI\) +RELATIVE +P-VALUE +BEAT CONTROL +SEQUENTIAL 95% CI$/,
    );
    expect(table).not.toContain("P (HOLM)");
    const [control, treatment] = metric.variants;
    expect(row(table, "control")).toEqual([
      "control",
      formatCount(control!.users),
      `${formatPercent(control!.value)} (${control!.usersWithEvents})`,
      "(control)",
    ]);
    const comparison = treatment!.comparison!;
    const [low, high] = comparison.absolute.ci!;
    const [seqLow, seqHigh] = comparison.sequential!.ci;
    const bound = (value: number) => formatPoints(value).replace(" pp", "");
    expect(row(table, "treatment")).toEqual([
      "treatment",
      formatCount(treatment!.users),
      `${formatPercent(treatment!.value)} (${treatment!.usersWithEvents})`,
      `${formatPoints(comparison.absolute.estimate)} [${bound(low)}, ${bound(high)}]`,
      formatPercent(comparison.relative!.estimate, true),
      formatPValue(comparison.pValue),
      formatChance(comparison.chanceToBeatControl),
      `[${bound(seqLow)}, ${bound(seqHigh)}]`,
    ]);
    // The simulation converts 20% of control and 35% of treatment users.
    expect(comparison.absolute.estimate).toBeGreaterThan(0.05);
    expect(comparison.pValue).toBeLessThan(0.05);
  });

  it("shows a sum metric as the mean per user with signed effects", () => {
    const metric = results.metrics.find((candidate) => candidate.name === "revenue")!;
    const table = section(text, "Metric revenue (sum)");
    expect(table).toContain("MEAN PER USER");
    const treatment = metric.variants[1]!;
    const comparison = treatment.comparison!;
    const cells = row(table, "treatment");
    expect(cells[2]).toBe(formatNumber(treatment.value));
    expect(cells[3]).toBe(
      `${formatNumber(comparison.absolute.estimate, true)} [${formatNumber(comparison.absolute.ci![0], true)}, ${formatNumber(comparison.absolute.ci![1], true)}]`,
    );
  });

  it("names an execution metric's unit and counts its executions", async () => {
    const engine = createAbkit({ store: memoryStore() });
    await engine.experiments.create({
      key: "judged",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
      metrics: [{ name: "judge", kind: "mean", unit: "execution", primary: true }],
    });
    await engine.experiments.start("judged");
    for (let i = 0; i < 7; i++) {
      const { logId } = await engine.log("judged", { variantKey: i < 3 ? "a" : "b" });
      await engine.score({ logId, name: "judge", value: i });
    }
    const table = section(renderResults(await engine.results("judged")), "Metric judge");
    expect(table.split("\n")[0]).toBe("Metric judge (mean, unit: execution, primary)");
    expect(table).toContain("EXECUTIONS");
    expect(table).toContain("MEAN PER EXECUTION");
    expect(row(table, "a")[1]).toBe(formatCount(3));
    expect(row(table, "b")[1]).toBe(formatCount(4));
    // Entity metrics keep their heading as it was.
    expect(text).toContain("Metric revenue (sum)\n");
    await engine.close();
  });

  it("marks metrics that events carry but the experiment does not declare", () => {
    expect(text).toContain("Metric page_view (count, not declared, read as count)");
  });

  it("summarizes log metrics with count, mean, percentiles and differences against the control", () => {
    const log = results.logMetrics.find((metric) => metric.name === "latency_ms")!;
    const table = section(text, "Log metric latency_ms (from execution logs)");
    const lines = table.split("\n");
    expect(lines[1]).toMatch(/^ {2}VARIANT +COUNT +MEAN +P50 +P95 +P99$/);
    for (const variant of log.variants) {
      expect(row(table, variant.variantKey)).toEqual([
        variant.variantKey,
        formatCount(variant.count),
        formatNumber(variant.mean),
        formatNumber(variant.p50),
        formatNumber(variant.p95),
        formatNumber(variant.p99),
      ]);
    }
    // Then one row per treatment: its differences from the control, with their intervals.
    expect(lines[4]).toMatch(
      /^ {2}AGAINST CONTROL +MEAN DIFF \(95% CI\) +P50 DIFF \(95% CI\) +P95 DIFF \(95% CI\)$/,
    );
    const signed = (value: number) => formatNumber(value, true);
    const difference = ({
      estimate,
      ci,
    }: {
      estimate: number | null;
      ci: [number, number] | null;
    }) => `${signed(estimate!)} [${signed(ci![0])}, ${signed(ci![1])}]`;
    const comparison = log.variants[1]!.comparison!;
    expect(lines[5]!.trim().split(/ {2,}/)).toEqual([
      "treatment",
      difference(comparison.mean),
      difference(comparison.p50),
      difference(comparison.p95),
    ]);
    expect(lines).toHaveLength(6);
  });

  it("ends with how to read p-values against the sequential interval", () => {
    expect(text.trimEnd().split("\n").at(-1)).toBe("interval stays valid however often you look.");
  });
});

describe("renderResults, three variants", () => {
  it("adds the Holm-adjusted p-value", async () => {
    const results = await abkit.results("prompts");
    const text = renderResults(results);
    const table = section(text, "Metric thumbs_up (binomial, primary)");
    expect(table.split("\n")[1]).toContain("P-VALUE  P (HOLM)");
    const metric = results.metrics[0]!;
    for (const variant of metric.variants.slice(1)) {
      const cells = row(table, variant.variantKey);
      expect(cells[5]).toBe(formatPValue(variant.comparison!.pValue));
      expect(cells[6]).toBe(formatPValue(variant.comparison!.pValueAdjusted));
    }
  });
});

describe("renderResults, sample ratio mismatch", () => {
  it("puts the mismatch warning first, in capitals", async () => {
    const store = memoryStore();
    const engine = createAbkit({ store });
    const experiment = await engine.experiments.create({
      key: "skewed",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
    });
    await engine.experiments.start("skewed");
    // Exposures the weights cannot explain: 700 against 300.
    const now = new Date().toISOString();
    await store.recordAssignments(
      Array.from({ length: 1000 }, (_, index) => ({
        projectId: "default",
        experimentId: experiment.id,
        entityId: `user_${index}`,
        variantKey: index < 700 ? "control" : "treatment",
        assignedAt: now,
      })),
    );
    const results = await engine.results("skewed");
    expect(results.srm?.mismatch).toBe(true);
    const text = renderResults(results);
    const banner = section(text, "!! SAMPLE RATIO MISMATCH");
    expect(banner).toContain(`p = ${formatPValue(results.srm!.pValue)} < 0.001`);
    expect(banner).toContain("Distrust every number below");
    expect(text.indexOf("!! SAMPLE RATIO MISMATCH")).toBeLessThan(text.indexOf("Variants"));
    expect(text).toContain("No metrics yet");
    await engine.close();
  });
});

describe("renderResults, no data", () => {
  it("says so instead of printing numbers", async () => {
    await abkit.experiments.create({
      key: "empty",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
      metrics: [{ name: "clicks", kind: "count" }],
    });
    const text = renderResults(await abkit.results("empty"));
    expect(text).toContain("Experiment empty (draft)");
    expect(text).toContain("Sample ratio: no users exposed yet.");
    expect(row(section(text, "Variants"), "a")).toEqual(["a", "50%", "0", "n/a"]);
    expect(row(section(text, "Metric clicks (count)"), "b")).toEqual([
      "b",
      "0",
      "n/a",
      "n/a",
      "n/a",
      "n/a",
      "n/a",
      "n/a",
    ]);
  });
});

describe("renderTable", () => {
  it("pads columns, right-aligns numbers and trims line ends", () => {
    expect(
      renderTable(
        [{ header: "KEY" }, { header: "USERS", align: "right" }, { header: "NOTE" }],
        [
          ["control", "1,200", ""],
          ["b", "7", "new"],
        ],
      ),
    ).toBe(["KEY      USERS  NOTE", "control  1,200", "b            7  new"].join("\n"));
  });
});

// --- Internal helpers ---

/** The blank-line-separated section of `text` that starts with `heading`. */
function section(text: string, heading: string): string {
  const found = text.split("\n\n").find((part) => part.startsWith(heading));
  if (found === undefined) throw new Error(`no section "${heading}" in:\n${text}`);
  return found;
}

/** The cells of the table row of `variant` (cells are separated by two spaces or more). */
function row(table: string, variant: string): string[] {
  const line = table.split("\n").find((candidate) => candidate.startsWith(`  ${variant} `));
  if (line === undefined) throw new Error(`no row "${variant}" in:\n${table}`);
  return line.trim().split(/ {2,}/);
}

async function simulateCheckout(engine: Abkit): Promise<void> {
  await engine.experiments.create({
    key: "checkout",
    variants: [
      { key: "control", weight: 50, config: "old" },
      { key: "treatment", weight: 50, config: "new" },
    ],
    metrics: [
      { name: "purchase", kind: "binomial", primary: true },
      { name: "revenue", kind: "sum" },
    ],
  });
  await engine.experiments.start("checkout");
  const next = seededRandom(42);
  for (let index = 0; index < 600; index++) {
    const entityId = `user_${index}`;
    const { variantKey } = await engine.evaluate({ experimentKey: "checkout", entityId });
    const treated = variantKey === "treatment";
    const events = [{ entityId, metricName: "page_view" }];
    if (next() < (treated ? 0.35 : 0.2)) {
      events.push({ entityId, metricName: "purchase" });
      await engine.track([{ entityId, metricName: "revenue", value: 20 + next() * 60 }]);
    }
    await engine.track(events);
    if (index % 3 === 0) {
      await engine.log("checkout", {
        variantKey: variantKey ?? "control",
        metrics: { latency_ms: (treated ? 300 : 250) + next() * 200 },
      });
    }
  }
}

async function simulatePrompts(engine: Abkit): Promise<void> {
  await engine.experiments.create({
    key: "prompts",
    variants: [
      { key: "short", weight: 34 },
      { key: "steps", weight: 33 },
      { key: "socratic", weight: 33 },
    ],
    metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
  });
  await engine.experiments.start("prompts");
  const rates: Record<string, number> = { short: 0.3, steps: 0.4, socratic: 0.33 };
  const next = seededRandom(7);
  for (let index = 0; index < 900; index++) {
    const entityId = `chat_${index}`;
    const { variantKey } = await engine.evaluate({ experimentKey: "prompts", entityId });
    if (variantKey && next() < (rates[variantKey] ?? 0)) {
      await engine.track([{ entityId, metricName: "thumbs_up" }]);
    }
  }
}

describe("formatPValue", () => {
  it("prints 3 decimals, then scientific, and never a bare 0", () => {
    expect(formatPValue(0.5)).toBe("0.500");
    expect(formatPValue(0.001)).toBe("0.001");
    expect(formatPValue(0.000412)).toBe("4.1e-4");
    expect(formatPValue(0)).toBe("<1e-300");
    expect(formatPValue(null)).toBe("n/a");
  });
});

describe("renderResults, a broken guardrail", () => {
  it("says so above the metrics, with the relative change and the tolerance", async () => {
    const engine = createAbkit({ store: memoryStore() });
    await engine.experiments.create({
      key: "faster",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [
        { name: "clicks", kind: "count", primary: true },
        { name: "latency_ms", kind: "mean", guardrail: { harm: "increase", tolerance: 0.05 } },
      ],
    });
    await engine.experiments.start("faster");
    const events = [];
    for (let i = 0; i < 400; i++) {
      const entityId = `u${i}`;
      const { variantKey } = await engine.evaluate({ experimentKey: "faster", entityId });
      const base = variantKey === "treatment" ? 1300 : 1000;
      events.push({ entityId, metricName: "latency_ms", value: base + (i % 40) });
    }
    await engine.track(events);
    const results = await engine.results("faster");
    const [violation] = results.guardrailViolations;
    expect(violation).toMatchObject({ metric: "latency_ms", variantKey: "treatment" });
    const text = renderResults(results);
    const line = text.split("\n").find((candidate) => candidate.startsWith("!! GUARDRAIL"));
    expect(line).toBe(
      `!! GUARDRAIL latency_ms: treatment moves it by ${formatPercent(violation!.relative!.estimate, true)} ` +
        `[${formatPercent(violation!.relative!.ci![0], true)}, ${formatPercent(violation!.relative!.ci![1], true)}], ` +
        "a increase beyond the tolerated 5.00%.",
    );
    expect(text.indexOf("!! GUARDRAIL")).toBeLessThan(text.indexOf("Metric "));
    // Harm on increase makes latency lower-is-better: its chance to beat control is ~0.
    const table = section(text, "Metric latency_ms (mean, lower is better)");
    const metric = results.metrics.find((candidate) => candidate.name === "latency_ms")!;
    const chance = metric.variants[1]!.comparison!.chanceToBeatControl;
    expect(chance).toBeLessThan(0.01);
    expect(row(table, "treatment")[6]).toBe(formatChance(chance));
    await engine.close();
  });
});

describe("renderResults, a lower-is-better metric", () => {
  it("labels it and reads BEAT CONTROL as the chance of a lower value", async () => {
    const engine = createAbkit({ store: memoryStore() });
    await engine.experiments.create({
      key: "concise",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [
        { name: "output_tokens", kind: "mean", direction: "lower" },
        { name: "thumbs_up", kind: "binomial", primary: true },
      ],
    });
    await engine.experiments.start("concise");
    const events = [];
    for (let i = 0; i < 400; i++) {
      const entityId = `u${i}`;
      const { variantKey } = await engine.evaluate({ experimentKey: "concise", entityId });
      const base = variantKey === "treatment" ? 120 : 200;
      events.push({ entityId, metricName: "output_tokens", value: base + (i % 40) });
    }
    await engine.track(events);
    const results = await engine.results("concise");
    const text = renderResults(results);
    const table = section(text, "Metric output_tokens (mean, lower is better)");
    expect(text).not.toContain("Metric thumbs_up (binomial, primary, lower is better)");
    const comparison = results.metrics[0]!.variants[1]!.comparison!;
    // Fewer tokens: a negative effect, and a chance to beat the control near 1.
    expect(comparison.absolute.estimate).toBeLessThan(-70);
    expect(comparison.chanceToBeatControl).toBeGreaterThan(0.99);
    const cells = row(table, "treatment");
    expect(cells[3]).toMatch(/^-/);
    expect(cells[6]).toBe(formatChance(comparison.chanceToBeatControl));
    await engine.close();
  });
});
