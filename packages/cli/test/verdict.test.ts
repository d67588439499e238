import { join } from "node:path";
import { buildResults, createAbkit, type Experiment, type ExperimentResults } from "@abkit/core";
import { sqliteStore } from "@abkit/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { renderResults } from "../src/format/results.js";
import { runCli } from "../src/main.js";
import { captureContext, tempDir } from "./helpers.js";
import { binomialArm, storedExperiment } from "./storedExperiment.js";

const rate = binomialArm;
const experiment = storedExperiment;

function results(
  arms: { A: [number, number]; B: [number, number] },
  overrides: Partial<Experiment> = {},
): ExperimentResults {
  return buildResults(
    experiment(overrides),
    {
      exposures: { A: arms.A[0], B: arms.B[0] },
      exposuresByDay: {},
      metrics: { thumbs_up: { A: rate(arms.A[1]), B: rate(arms.B[1]) } },
      covariates: {},
      covariateProducts: {},
      crossProducts: {},
      eventsByDay: {},
      metricsByDay: {},
      slices: {},
    },
    {},
    0.05,
  );
}

const sections = (text: string) => text.split("\n\n");

describe("renderResults: the verdict first", () => {
  it("prints what to do right after the heading, before the sample ratio and the tables", () => {
    const shipped = results({ A: [10_000, 1000], B: [10_000, 1200] });
    const text = renderResults(shipped);
    expect(sections(text)[1]).toBe(
      `Verdict: SHIP B (thumbs_up, always-valid interval)\n  ${shipped.verdict.summary}`,
    );
    expect(shipped.verdict.summary).toMatch(/^Ship B: thumbs_up \+2\.00 pp/);
    expect(text.indexOf("Verdict:")).toBeLessThan(text.indexOf("Sample ratio:"));
  });

  it("adds the users still needed, and the days at the plan's daily users", () => {
    // Plan +20% on a 10% control: 7,682 users (R power.prop.test n = 3840.8 per arm);
    // 2,000 so far leave 5,682: ceil(5682 / 1000) = 6 days.
    const running = results(
      { A: [1000, 100], B: [1000, 105] },
      { plan: { mde: 0.2, mdeScale: "relative", power: 0.8, dailyUsers: 1000 } },
    );
    const verdict = sections(renderResults(running, { dailyUsers: 1000 }))[1]?.split("\n");
    expect(verdict?.[0]).toBe("Verdict: KEEP RUNNING (thumbs_up, always-valid interval)");
    expect(verdict?.[2]).toBe("  Users needed: 5,682 more, about 6 days at 1,000 a day");
    const unplanned = results({ A: [1000, 100], B: [1000, 105] });
    expect(renderResults(unplanned)).toContain("  Users needed: unknown (no plan");
  });

  it("puts a sample ratio mismatch in the verdict's headline", () => {
    const text = renderResults(results({ A: [5300, 530], B: [4700, 470] }));
    expect(sections(text)[1]?.split("\n")[0]).toBe("Verdict: DO NOT TRUST: SAMPLE RATIO MISMATCH");
  });

  it("shows each metric's verdict under its table", () => {
    const worse = results(
      { A: [10_000, 1200], B: [10_000, 1000] },
      { metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }] },
    );
    const metric = sections(renderResults(worse)).find((part) => part.startsWith("Metric "));
    expect(metric?.split("\n").at(-1)).toBe(
      `  Verdict: worse (B). ${worse.metrics[0]?.verdict.summary}`,
    );
    expect(worse.verdict).toMatchObject({ kind: "ship", variantKey: "A" });
  });
});

describe("abkit results", () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it("reads the plan's daily users from the experiment to print days", async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const path = join(temp.dir, "abkit.db");
    const abkit = createAbkit({ store: sqliteStore({ path }) });
    await abkit.experiments.create({
      key: "checkout",
      variants: [
        { key: "A", weight: 50 },
        { key: "B", weight: 50 },
      ],
      metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
      plan: { mde: 0.2, power: 0.8, dailyUsers: 500 },
    });
    await abkit.experiments.start("checkout");
    for (let index = 0; index < 200; index++) {
      const entityId = `user_${index}`;
      await abkit.evaluate({ experimentKey: "checkout", entityId });
      if (index % 5 === 0) await abkit.track([{ entityId, metricName: "thumbs_up" }]);
    }
    await abkit.close();
    const ctx = captureContext();
    const code = await runCli(["results", "checkout", "--store", `sqlite:${path}`], ctx);
    expect(code).toBe(0);
    const text = ctx.stdout.join("\n");
    const [, needed, days] =
      /Users needed: ([\d,]+) more, about (\d+) days at 500 a day/.exec(text) ?? [];
    expect(days).toMatch(/^\d+$/);
    expect(Number(days)).toBe(Math.ceil(Number(needed?.replaceAll(",", "")) / 500));
  });
});

describe("renderResults: the latest decision", () => {
  it("prints the decision, who made it and why, right under the verdict", () => {
    const decision = {
      at: "2026-12-03T21:00:00.000Z",
      action: "promote" as const,
      by: "autopilot" as const,
      variantKey: "B",
      rule: "Promote: ...",
      summary:
        "Promoted B: thumbs_up +2.00 pp (+20.0%), always-valid 95% CI +0.80 to +3.20 pp, 20,000 users.",
      metric: "thumbs_up",
      numbers: null,
      flag: null,
    };
    const text = renderResults(
      results(
        { A: [10_000, 1000], B: [10_000, 1200] },
        { status: "shipped", decisions: [decision] },
      ),
    );
    expect(sections(text)[2]).toBe(
      `Decision: promote B by autopilot at 2026-12-03T21:00:00.000Z. ${decision.summary}`,
    );
    expect(renderResults(results({ A: [100, 10], B: [100, 12] }))).not.toContain("Decision:");
  });
});
