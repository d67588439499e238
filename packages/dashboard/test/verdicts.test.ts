import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  Experiment,
  ExperimentResults,
  MetricResult,
  PlanAnswer,
  PlanRequest,
} from "../web/src/api/types.js";
import {
  formatCount,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  formatSignedNumber,
} from "../web/src/format.js";
import { artifactPath, browserAvailable } from "./browser.js";
import { filledResults } from "./fixtures/filledResults.js";
import {
  type DashboardSession,
  horizontalOverflow,
  openSession,
  paintedPixels,
} from "./session.js";

const COUNTRIES = ["ES", "FR", "DE"];

/**
 * The verdict, effect over time, dimensions, log comparisons and the planner, in headless
 * Chromium against a real `abkit serve`: what the page shows must be what the API returns,
 * whatever the API fills in.
 */
describe.runIf(browserAvailable())("verdicts, breakdowns and plans in a browser", () => {
  let session: DashboardSession;

  beforeAll(async () => {
    session = await openSession();
  });

  afterAll(async () => {
    await session?.close();
  });

  it("shows the verdict, each metric's verdict, effects over time, slices and log comparisons as the API returns them", async () => {
    const { api } = session;
    await api("POST", "api/v1/experiments", {
      key: "checkout_copy",
      name: "Checkout copy",
      variants: [
        { key: "control", weight: 50 },
        { key: "urgent", weight: 50, config: { copy: "Only today" } },
      ],
      metrics: [
        { name: "purchased", kind: "binomial", primary: true },
        { name: "revenue", kind: "sum", cap: 100 },
        { name: "latency_ms", kind: "mean", guardrail: { harm: "increase", tolerance: 0.1 } },
      ],
      dimensions: ["country"],
      plan: { mde: 0.1, mdeScale: "relative", power: 0.8, dailyUsers: 500 },
    });
    await api("POST", "api/v1/experiments/checkout_copy/start");
    await sendCheckoutTraffic(360);

    const results = await api<ExperimentResults>("GET", "api/v1/experiments/checkout_copy/results");
    const experiment = await api<Experiment>("GET", "api/v1/experiments/checkout_copy");
    expect(results.variants.reduce((sum, variant) => sum + variant.users, 0)).toBe(360);
    expect(results.logMetrics.map((metric) => metric.name)).toEqual([
      "latency_ms",
      "output_tokens",
    ]);

    const page = await session.signedInPage();
    await page.goto(`${session.server.url}/#/experiments/checkout_copy`);
    await page.getByTestId("metric-table-purchased").waitFor();

    await expectVerdictShown(page, results, experiment);
    for (const metric of results.metrics) await expectMetricShown(page, metric);
    await expectDimensionsShown(page, results, ["country"]);
    await expectLogComparisonsShown(page, results);
    // The verdict comes before everything else in the results.
    const first = await page
      .getByTestId("results")
      .evaluate((element) => element.firstElementChild?.getAttribute("data-testid"));
    expect(first).toBe("verdict");
    await page.screenshot({ path: artifactPath("verdict.png"), fullPage: true });

    // A phone's width: the new parts scroll inside themselves, the page never sideways.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByTestId("verdict").waitFor();
    // Charts take their new width on the next resize callback: wait for it.
    await expect.poll(() => horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: artifactPath("verdict-phone.png"), fullPage: true });
    await page.close();
  });

  it("says there are no users yet instead of a sample-ratio verdict, and draws no empty chart", async () => {
    const { api } = session;
    await api("POST", "api/v1/experiments", {
      key: "empty_start",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [{ name: "clicked", kind: "binomial", primary: true }],
    });
    await api("POST", "api/v1/experiments/empty_start/start");
    const results = await api<ExperimentResults>("GET", "api/v1/experiments/empty_start/results");
    expect(results.variants.map((variant) => variant.users)).toEqual([0, 0]);

    const page = await session.signedInPage();
    await page.goto(`${session.server.url}/#/experiments/empty_start`);
    await page.getByTestId("results").waitFor();
    expect(await page.getByTestId("no-users").textContent()).toMatch(/^No users yet/);
    expect(await page.getByTestId("srm").count()).toBe(0);
    expect(await page.getByText("Sample ratio as expected").count()).toBe(0);
    // Nothing to draw: no canvas at all, each chart's place says so in words.
    expect(await page.locator("canvas").count()).toBe(0);
    expect(await page.getByText("No exposures yet.").count()).toBe(1);
    expect(await page.getByTestId("verdict").getAttribute("data-kind")).toBe(results.verdict?.kind);
    await page.close();
  });

  it("plans in the editor with the API's own planner, and saves the plan, dimensions and cap", async () => {
    const { api } = session;
    const page = await session.signedInPage();
    await page.getByRole("link", { name: "New experiment" }).click();
    await page.getByLabel("Experiment key").fill("pricing_page");
    await page.getByLabel("Experiment name").fill("Pricing page");
    await page.getByRole("button", { name: "Add metric" }).click();
    await page.getByTestId("metric-0").getByLabel("Metric name").fill("signed_up");
    await page.getByRole("button", { name: "Add metric" }).click();
    const spend = page.getByTestId("metric-1");
    await spend.getByLabel("Metric name").fill("spend");
    await spend.getByLabel("Kind").selectOption("sum");
    await spend.getByLabel("Cap per user (optional)").fill("250");
    await spend.getByLabel("Better when").selectOption("higher");
    await page.getByLabel("Dimensions (optional)").fill("country, platform");

    await page.getByLabel(/Size the experiment for an effect/).check();
    await page.getByLabel("Effect scale").selectOption("absolute");
    await page.getByLabel(/Minimum detectable effect/).fill("0.02");
    await page.getByLabel("Power (%)").fill("80");
    await page.getByLabel("Daily users (optional)").fill("1000");
    await page.getByLabel("Control's rate (%)").fill("10");
    await page.getByRole("button", { name: "Compute users needed" }).click();
    const answer = page.getByTestId("planner-answer");
    await answer.waitFor();

    // The same input, straight to the API.
    const request: PlanRequest = {
      metric: "binomial",
      baseline: 0.1,
      mde: 0.02,
      mdeType: "absolute",
      power: 0.8,
      variants: 2,
      split: [50, 50],
      dailyUsers: 1000,
    };
    const planned = await api<PlanAnswer>("POST", "api/v1/plan", request);
    // R: power.prop.test(p1 = 0.1, p2 = 0.12, power = 0.8) gives n = 3840.8 per group.
    expect(planned.usersPerVariant).toEqual([3841, 3841]);
    expect(await answer.locator('[data-cell="total-users"]').textContent()).toBe(
      formatCount(planned.totalUsers),
    );
    expect(await answer.locator('[data-cell="days"]').textContent()).toBe(
      formatCount(planned.days),
    );
    expect(await answer.textContent()).toContain(
      planned.usersPerVariant.map(formatCount).join(" / "),
    );
    await page.screenshot({ path: artifactPath("editor-plan.png"), fullPage: true });

    // A phone's width: the plan and metric fields fold into one column.
    await page.setViewportSize({ width: 390, height: 800 });
    // Charts take their new width on the next resize callback: wait for it.
    await expect.poll(() => horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByRole("heading", { name: /Pricing page/, level: 1 }).waitFor();
    const saved = await api<Experiment>("GET", "api/v1/experiments/pricing_page");
    expect(saved.plan).toEqual({ mde: 0.02, mdeScale: "absolute", power: 0.8, dailyUsers: 1000 });
    expect(saved.dimensions).toEqual(["country", "platform"]);
    expect(saved.metrics.find((metric) => metric.name === "spend")).toMatchObject({
      kind: "sum",
      cap: 250,
      direction: "higher",
    });

    // Editing keeps them, and a cleared plan is sent as null.
    await page.goto(`${session.server.url}/#/experiments/pricing_page/edit`);
    const cap = page.getByTestId("metric-1").getByLabel("Cap per user (optional)");
    expect(await cap.inputValue()).toBe("250");
    expect(await page.getByLabel("Dimensions (optional)").inputValue()).toBe("country, platform");
    await page.getByLabel(/Size the experiment for an effect/).uncheck();
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("heading", { name: /Pricing page/, level: 1 }).waitFor();
    const edited = await api<Experiment>("GET", "api/v1/experiments/pricing_page");
    expect(edited.plan).toBeNull();
    expect(edited.dimensions).toEqual(["country", "platform"]);
    await page.close();
  });

  it("renders every filled-in field as the API sends it: verdict, effect over time, slices, Bayesian reads, corrections, log comparisons", async () => {
    const { api } = session;
    await api("POST", "api/v1/experiments", {
      key: "filled_in",
      name: "Filled in",
      variants: [
        { key: "control", weight: 50 },
        { key: "urgent", weight: 50 },
      ],
      metrics: [
        { name: "purchased", kind: "binomial", primary: true },
        { name: "latency_ms", kind: "mean", guardrail: { harm: "increase", tolerance: 0.1 } },
      ],
      dimensions: ["country", "platform"],
      plan: { mde: 0.1, mdeScale: "relative", power: 0.8, dailyUsers: 400 },
    });
    await api("POST", "api/v1/experiments/filled_in/start");
    const experiment = await api<Experiment>("GET", "api/v1/experiments/filled_in");

    const page = await session.signedInPage();
    // The server's results answer, replaced by one with every field the API will fill in.
    await page.route("**/api/v1/experiments/filled_in/results", (route) =>
      route.fulfill({ json: filledResults }),
    );
    await page.goto(`${session.server.url}/#/experiments/filled_in`);
    await page.getByTestId("metric-table-purchased").waitFor();

    await expectVerdictShown(page, filledResults, experiment);
    for (const metric of filledResults.metrics) await expectMetricShown(page, metric);
    await expectDimensionsShown(page, filledResults, ["country", "platform"]);
    await expectLogComparisonsShown(page, filledResults);

    // Worked by hand from the fixture: ship is green; 1,300 users at 400 a day is 4 days.
    const banner = page.getByTestId("verdict");
    expect(await banner.getAttribute("class")).toContain("verdict-good");
    expect(await banner.locator('[data-cell="users-needed"]').textContent()).toContain(
      "1,300 more users needed for the planned effect: about 4 days at 400 users a day",
    );
    // The metric verdicts take the effect colours: better green, worse red.
    expect(
      await page.getByTestId("metric-verdict-purchased").locator(".badge").getAttribute("class"),
    ).toContain("effect-better");
    expect(
      await page.getByTestId("metric-verdict-latency_ms").locator(".badge").getAttribute("class"),
    ).toContain("effect-worse");
    const urgent = page.getByTestId("metric-table-purchased").locator('tr[data-variant="urgent"]');
    expect(await urgent.locator('[data-cell="adjustment"]').textContent()).toBe(
      "Holm over 2 tests (every metric and treatment)",
    );
    expect(await urgent.locator('[data-cell="bayesian"]').textContent()).toContain("98.70%");
    expect(await urgent.locator('[data-cell="bayesian"]').textContent()).toContain(
      "loss if shipped 0.04%",
    );
    expect(await paintedPixels(page, "effect-over-time-purchased")).toBeGreaterThan(500);
    await page.getByTestId("dimensions").getByLabel("Dimension").selectOption("country");
    expect(await page.getByTestId("dimension-adjustment").textContent()).toBe(
      "Adjusted p: Holm over 4 tests (the dimension's slices).",
    );
    const other = page.getByTestId("dimension-table-country").locator('tr[data-kind="other"]');
    expect(await other.locator('[data-cell="value"]').textContent()).toBe("(other values)");
    await page.screenshot({ path: artifactPath("verdict-filled.png"), fullPage: true });

    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByTestId("verdict").waitFor();
    // Charts take their new width on the next resize callback: wait for it.
    await expect.poll(() => horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: artifactPath("verdict-filled-phone.png"), fullPage: true });
    await page.close();
  });

  // --- Helpers ---

  /**
   * Shoppers evaluate through the API with a country (one in six without), then buy, spend
   * (a few far past the cap) and wait; every tenth writes a log with latency and tokens.
   */
  async function sendCheckoutTraffic(users: number): Promise<void> {
    const { api } = session;
    const events: unknown[] = [];
    for (let start = 0; start < users; start += 40) {
      await Promise.all(
        Array.from({ length: Math.min(40, users - start) }, async (_, offset) => {
          const index = start + offset;
          const entityId = `shopper-${index}`;
          const properties = index % 6 === 5 ? {} : { country: COUNTRIES[index % 3] };
          const { variantKey } = await api<{ variantKey: string }>(
            "POST",
            "api/v1/experiments/evaluate",
            { experimentKey: "checkout_copy", entityId, properties },
          );
          const urgent = variantKey === "urgent";
          if ((index * 7919) % 100 < (urgent ? 34 : 24)) {
            events.push({ entityId, metricName: "purchased", idempotencyKey: `buy-${index}` });
            events.push({
              entityId,
              metricName: "revenue",
              value: index % 25 === 0 ? 5000 : 20 + ((index * 13) % 60),
            });
          }
          events.push({
            entityId,
            metricName: "latency_ms",
            value: (urgent ? 420 : 400) + ((index * 31) % 80),
          });
          if (index % 10 === 0) {
            await api("POST", "experiment/checkout_copy/log", {
              variantKey,
              metrics: { latency_ms: 300 + ((index * 37) % 400), output_tokens: 80 + (index % 60) },
            });
          }
        }),
      );
    }
    await api("POST", "api/v1/track", { events });
  }

  async function expectVerdictShown(
    page: Page,
    results: ExperimentResults,
    experiment: Experiment,
  ): Promise<void> {
    const verdict = results.verdict;
    expect(verdict).toBeDefined();
    if (!verdict) return;
    const banner = page.getByTestId("verdict");
    expect(await banner.getAttribute("data-kind")).toBe(verdict.kind);
    const tone =
      verdict.kind === "ship"
        ? "verdict-good"
        : verdict.kind === "guardrail-harm" || verdict.kind === "srm"
          ? "verdict-bad"
          : "verdict-neutral";
    expect(await banner.getAttribute("class")).toContain(tone);
    await expectOptionalText(banner.locator('[data-cell="summary"]'), verdict.summary);
    await expectOptionalText(banner.locator('[data-cell="rule"]'), verdict.rule);
    const needed = banner.locator('[data-cell="users-needed"]');
    if (verdict.usersNeeded === null) {
      expect(await needed.count()).toBe(0);
    } else if (verdict.usersNeeded === 0) {
      expect(await needed.textContent()).toBe("The planned sample size is reached.");
    } else {
      const text = (await needed.textContent()) ?? "";
      expect(text).toContain(formatCount(verdict.usersNeeded));
      const dailyUsers = experiment.plan?.dailyUsers ?? 0;
      expect(dailyUsers).toBeGreaterThan(0);
      expect(text).toContain(`${formatCount(Math.ceil(verdict.usersNeeded / dailyUsers))} days`);
    }
  }

  async function expectMetricShown(page: Page, metric: MetricResult): Promise<void> {
    const verdict = page.getByTestId(`metric-verdict-${metric.name}`);
    expect(metric.verdict).toBeDefined();
    expect(await verdict.getAttribute("data-kind")).toBe(metric.verdict?.kind);
    await expectOptionalText(verdict.locator('[data-cell="summary"]'), metric.verdict?.summary);

    const cap = page.getByTestId(`cap-${metric.name}`);
    if (metric.cap === undefined) expect(await cap.count()).toBe(0);
    else expect(await cap.textContent()).toBe(`capped at ${formatNumber(metric.cap)}`);

    const table = page.getByTestId(`metric-table-${metric.name}`);
    for (const variant of metric.variants) {
      const comparison = variant.comparison;
      if (!comparison) continue;
      const row = table.locator(`tr[data-variant="${variant.variantKey}"]`);
      const adjusted = (await row.locator('[data-cell="p-adjusted"]').textContent()) ?? "";
      expect(adjusted.startsWith(formatP(comparison.pValueAdjusted))).toBe(true);
      const adjustment = row.locator('[data-cell="adjustment"]');
      if (comparison.adjustment) {
        const text = (await adjustment.textContent()) ?? "";
        expect(text).toContain(`over ${comparison.adjustment.tests} test`);
      } else {
        expect(await adjustment.count()).toBe(0);
      }
      const bayesian = row.locator('[data-cell="bayesian"]');
      if (comparison.bayesian) {
        expect(await bayesian.textContent()).toContain(
          formatPercent(comparison.bayesian.chanceToBeatControl),
        );
      } else if (metric.variants.every((other) => !other.comparison?.bayesian)) {
        expect(await bayesian.count()).toBe(0);
      }
    }

    // The effect over time: one point per day the API returned, one line per treatment.
    const days = metric.effectOverTime ?? [];
    const chart = page.getByTestId(`effect-over-time-${metric.name}`);
    const empty = page.getByTestId(`effect-over-time-empty-${metric.name}`);
    if (days.length === 0) {
      expect(await chart.count()).toBe(0);
      expect(await empty.count()).toBe(1);
    } else {
      const treatments = [
        ...new Set(
          days.flatMap((day) =>
            day.variants.filter((v) => v.absolute !== null).map((v) => v.variantKey),
          ),
        ),
      ];
      expect(Number(await chart.getAttribute("data-points"))).toBe(days.length);
      expect(await chart.getAttribute("data-series")).toBe(treatments.join(","));
      expect(await chart.getAttribute("aria-label")).toContain(days[0]?.date ?? "?");
    }
  }

  async function expectDimensionsShown(
    page: Page,
    results: ExperimentResults,
    declared: string[],
  ): Promise<void> {
    const section = page.getByTestId("dimensions");
    const dimensions = results.dimensions ?? [];
    const names = dimensions.map((dimension) => dimension.name);
    // The experiment's own dimensions are offered even before the API breaks them down.
    const options = await section.locator("#dimension-choice option").allTextContents();
    expect(options).toEqual([...new Set([...names, ...declared])]);
    for (const dimension of dimensions) {
      await section.getByLabel("Dimension").selectOption(dimension.name);
      if (dimension.slices.length === 0) {
        await section.getByTestId("dimension-empty").waitFor();
        continue;
      }
      const rows = section.getByTestId(`dimension-table-${dimension.name}`).locator("tbody tr");
      await rows.first().waitFor();
      expect(await rows.count()).toBe(dimension.slices.length);
      for (const [index, slice] of dimension.slices.entries()) {
        const row = rows.nth(index);
        expect(await row.getAttribute("data-kind")).toBe(slice.kind);
        if (slice.kind === "value") {
          expect(await row.locator('[data-cell="value"]').textContent()).toBe(slice.value);
        }
        expect(await row.locator('[data-cell="total"]').textContent()).toBe(
          formatCount(slice.users),
        );
        for (const variant of slice.variants) {
          expect(await row.locator('[data-cell="users"]').textContent()).toContain(
            `${variant.key} ${formatCount(variant.users)}`,
          );
        }
        for (const metric of slice.metrics) {
          const direction = results.metrics.find((m) => m.name === metric.name)?.direction;
          for (const variant of metric.variants) {
            if (!variant.comparison) continue;
            const cell = row.locator(`[data-cell="effect-${metric.name}-${variant.variantKey}"]`);
            const [low, high] = variant.comparison.absolute.ci ?? [0, 0];
            const up = low > 0 ? true : high < 0 ? false : null;
            const verdict =
              up === null ? "unclear" : up === (direction !== "lower") ? "better" : "worse";
            expect(await cell.getAttribute("data-verdict")).toBe(verdict);
            expect(await cell.textContent()).toContain(
              `p adj ${formatP(variant.comparison.pValueAdjusted)}`,
            );
          }
        }
      }
    }
    for (const name of declared.filter((candidate) => !names.includes(candidate))) {
      await section.getByLabel("Dimension").selectOption(name);
      await section.getByTestId("dimension-empty").waitFor();
    }
  }

  async function expectLogComparisonsShown(page: Page, results: ExperimentResults): Promise<void> {
    expect(results.logMetrics.length).toBeGreaterThan(0);
    const table = page.getByTestId("log-metrics");
    for (const metric of results.logMetrics) {
      for (const variant of metric.variants) {
        const row = table.locator(
          `tr[data-metric="${metric.name}"][data-variant="${variant.variantKey}"]`,
        );
        expect(await row.locator('[data-cell="p95"]').textContent()).toBe(
          formatNumber(variant.p95),
        );
        const comparison = variant.comparison ?? null;
        if (comparison === null) {
          expect(await row.locator('[data-cell="comparison"]').textContent()).toBe(
            variant.variantKey === results.control ? "baseline" : "no comparison yet",
          );
          continue;
        }
        for (const [cell, difference] of [
          ["mean-diff", comparison.mean],
          ["p50-diff", comparison.p50],
          ["p95-diff", comparison.p95],
        ] as const) {
          expect(await row.locator(`[data-cell="${cell}"]`).textContent()).toBe(
            `${formatSignedNumber(difference.estimate)} ${formatInterval(difference.ci, formatSignedNumber)}`,
          );
        }
        expect(await row.locator('[data-cell="mean-p"]').textContent()).toBe(
          formatP(comparison.mean.pValue),
        );
      }
    }
  }
});

/** A sentence the API may leave empty: shown exactly when it has one. */
async function expectOptionalText(locator: Locator, text: string | undefined): Promise<void> {
  if (!text) expect(await locator.count()).toBe(0);
  else expect(await locator.textContent()).toBe(text);
}
