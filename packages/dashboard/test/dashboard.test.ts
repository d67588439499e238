import { sqliteStore } from "@abkit/sqlite";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Server, startServer } from "../../cli/test/helpers.js";
import type { ExperimentResults } from "../web/src/api/types.js";
import {
  formatCount,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  formatSignedNumber,
  formatSignedPercent,
} from "../web/src/format.js";
import { artifactPath, browserAvailable } from "./browser.js";
import { type DashboardSession, openSession, paintedPixels } from "./session.js";

/**
 * The real page in headless Chromium against a real `abkit serve` on a temp SQLite file:
 * everything the page shows must be what the public API returns.
 */
describe.runIf(browserAvailable())("dashboard in a browser", () => {
  let session: DashboardSession;
  let server: Server;
  let adminKey: string;
  let browser: Browser;
  let dbPath: string;
  let api: DashboardSession["api"];
  let signedInPage: DashboardSession["signedInPage"];

  beforeAll(async () => {
    session = await openSession();
    ({ server, adminKey, browser, dbPath, api, signedInPage } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it("shows the API's own error for a bad key, and keeps nothing", async () => {
    const badKey = `ak_${"x".repeat(43)}`;
    const response = await fetch(`${server.url}/api/v1/keys/current`, {
      headers: { "x-api-key": badKey },
    });
    const expected = ((await response.json()) as { error: { code: string; message: string } })
      .error;
    expect(response.status).toBe(401);

    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("API key").fill(badKey);
    await page.getByLabel("API key").press("Enter");
    const error = page.getByTestId("api-error");
    await expect.poll(() => error.textContent()).toContain(expected.message);
    expect(await error.locator(".error-code").textContent()).toBe(expected.code);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });

  it("creates, starts and reads an experiment with the numbers the API returns", async () => {
    const page = await signedInPage();
    await page.getByRole("link", { name: "New experiment" }).click();
    await page.getByLabel("Experiment key").fill("tutor_prompt");
    await page.getByLabel("Experiment name").fill("Tutor prompt");

    // The JSON editor validates as it goes; the form cannot be sent while it is invalid.
    const config = page.getByTestId("variant-1").getByLabel("Config (JSON)");
    await config.fill('{"prompt": "Explain step by step"');
    await page.getByText(/^Not valid JSON/).waitFor();
    expect(await page.getByRole("button", { name: "Create draft" }).isDisabled()).toBe(true);
    await config.fill('{"prompt": "Explain step by step"}');
    await page.getByTestId("variant-1").getByText("Valid JSON").waitFor();

    await page.getByRole("button", { name: "Add metric" }).click();
    await page.getByLabel("Metric name").fill("thumbs_up");
    await page.getByRole("button", { name: "Create draft" }).click();

    await page.getByRole("heading", { name: /Tutor prompt/, level: 1 }).waitFor();
    const stored = await api<{ status: string; variants: { config: unknown }[] }>(
      "GET",
      "api/v1/experiments/tutor_prompt",
    );
    expect(stored.status).toBe("draft");
    expect(stored.variants[1]?.config).toEqual({ prompt: "Explain step by step" });

    // Start asks first.
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Start experiment" }).click();
    await page.locator(".badge-running").waitFor();
    await page.getByText("(read-only)").waitFor();
    expect(await page.getByRole("link", { name: "Edit" }).count()).toBe(0);

    await sendTraffic("tutor_prompt", 600);
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByTestId("metric-table-thumbs_up").waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-variant] [data-cell="users"]')?.textContent !== "0",
    );

    const results = await api<ExperimentResults>("GET", "api/v1/experiments/tutor_prompt/results");
    await expectResultsShown(page, results);
    await page.screenshot({ path: artifactPath("results.png"), fullPage: true });

    // Stop asks first too; the results stay.
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Stop experiment" }).click();
    await page.locator(".badge-stopped").waitFor();
    await page.getByTestId("metric-table-thumbs_up").waitFor();
    await page.close();
  });

  it("edits a draft, showing the API's validation errors as it wrote them", async () => {
    await api("POST", "api/v1/segments", {
      key: "es_fr",
      name: "Spain and France",
      condition: { country: { $in: ["ES", "FR"] } },
    });
    await api("POST", "api/v1/experiments", {
      key: "hint_style",
      variants: [
        { key: "control", weight: 50 },
        { key: "socratic", weight: 50, config: { style: "questions" } },
      ],
    });
    const page = await signedInPage();
    await page.goto(`${server.url}/#/experiments/hint_style/edit`);
    const weight = page.getByTestId("variant-0").getByLabel("Weight (%)");
    await weight.fill("60");
    await page.getByText("(they must sum to 100%)").waitFor();
    await page.getByRole("button", { name: "Save draft" }).click();

    // The page sends it anyway: the API is the judge, and its answer is shown verbatim.
    const response = await fetch(`${server.url}/api/v1/experiments/hint_style`, {
      method: "PATCH",
      headers: { "x-api-key": adminKey, "content-type": "application/json" },
      body: JSON.stringify({
        variants: [
          { key: "control", weight: 60, config: null },
          { key: "socratic", weight: 50, config: { style: "questions" } },
        ],
      }),
    });
    const expected = ((await response.json()) as { error: { message: string } }).error;
    const error = page.getByTestId("api-error");
    await expect.poll(() => error.locator(".error-message").textContent()).toBe(expected.message);
    await page.screenshot({ path: artifactPath("editor.png"), fullPage: true });

    await weight.fill("50");
    await page.getByLabel("Coverage (% of matching traffic)").fill("40");
    await page.getByLabel(/Spain and France/).check();
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("heading", { name: /hint_style/, level: 1 }).waitFor();
    const saved = await api<{ coverage: number; segments: string[]; revision: number }>(
      "GET",
      "api/v1/experiments/hint_style",
    );
    expect(saved).toMatchObject({ coverage: 0.4, segments: ["es_fr"], revision: 2 });
    await page.close();
  });

  it("shows a sample ratio mismatch prominently", async () => {
    await api("POST", "api/v1/experiments", {
      key: "skewed",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
    });
    await api("POST", "api/v1/experiments/skewed/start");
    // An upstream bug that drops b's exposures: assignments written straight to the file.
    const store = sqliteStore({ path: dbPath });
    const experiment = await api<{ id: string }>("GET", "api/v1/experiments/skewed");
    const assignedAt = new Date().toISOString();
    await store.recordAssignments(
      Array.from({ length: 300 }, (_, index) => ({
        projectId: "default",
        experimentId: experiment.id,
        entityId: `user-${index}`,
        variantKey: index < 200 ? "a" : "b",
        assignedAt,
      })),
    );
    await store.close();
    const results = await api<ExperimentResults>("GET", "api/v1/experiments/skewed/results");
    expect(results.srm?.mismatch).toBe(true);

    const page = await signedInPage();
    await page.goto(`${server.url}/#/experiments/skewed`);
    const alert = page.getByRole("alert").filter({ hasText: "Sample ratio mismatch" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(formatP(results.srm!.pValue));
    await page.close();
  });

  it("draws a week of exposures, day by day", async () => {
    await api("POST", "api/v1/experiments", {
      key: "onboarding_prompt",
      name: "Onboarding prompt",
      variants: [
        { key: "control", weight: 50, config: { prompt: "Welcome!" } },
        { key: "friendly", weight: 50, config: { prompt: "Hi there, let's get you set up." } },
      ],
      metrics: [
        { name: "completed", kind: "binomial", primary: true },
        { name: "output_tokens", kind: "mean" },
      ],
    });
    await api("POST", "api/v1/experiments/onboarding_prompt/start");
    // A week of arrivals: assignments dated over seven days, written to the server's file as
    // its evaluate would have written them, then events and logs through the API.
    const { id } = await api<{ id: string }>("GET", "api/v1/experiments/onboarding_prompt");
    const store = sqliteStore({ path: dbPath });
    const users: { entityId: string; variantKey: string }[] = [];
    for (let day = 6; day >= 0; day--) {
      const assignedAt = new Date(Date.now() - day * 86_400_000).toISOString();
      const arrivals = Array.from({ length: 120 + (6 - day) * 25 }, (_, index) => ({
        projectId: "default",
        experimentId: id,
        entityId: `d${day}-u${index}`,
        // A pseudo-random half each, so the two lines are close but not one.
        variantKey: (index * 2654435761 + day * 97) % 1000 < 500 ? "control" : "friendly",
        assignedAt,
      }));
      await store.recordAssignments(arrivals);
      users.push(...arrivals);
    }
    await store.close();
    const events = users.flatMap(({ entityId, variantKey }, index) => {
      const completes = (index * 7919) % 100 < (variantKey === "control" ? 40 : 52);
      return [
        ...(completes
          ? [{ entityId, metricName: "completed", idempotencyKey: `c-${entityId}` }]
          : []),
        {
          entityId,
          metricName: "output_tokens",
          value: 80 + ((index * 31) % 60) + (variantKey === "friendly" ? 12 : 0),
        },
      ];
    });
    for (let start = 0; start < events.length; start += 1000) {
      await api("POST", "api/v1/track", { events: events.slice(start, start + 1000) });
    }
    for (let index = 0; index < 80; index++) {
      await api("POST", "experiment/onboarding_prompt/log", {
        variantKey: index % 2 === 0 ? "control" : "friendly",
        metrics: { latency_ms: 300 + ((index * 37) % 400), output_tokens: 80 + (index % 60) },
      });
    }
    const results = await api<ExperimentResults>(
      "GET",
      "api/v1/experiments/onboarding_prompt/results",
    );
    expect(results.exposuresOverTime.length).toBe(7);

    const page = await signedInPage();
    await page.goto(`${server.url}/#/experiments/onboarding_prompt`);
    await page.getByTestId("metric-table-completed").waitFor();
    const chart = page.getByTestId("exposures-chart");
    const label = (await chart.getAttribute("aria-label")) ?? "";
    expect(label).toContain(results.exposuresOverTime[0]?.date ?? "?");
    expect(label).toContain(results.exposuresOverTime[6]?.date ?? "?");
    const mean = results.metrics.find((metric) => metric.name === "output_tokens");
    const friendly = page
      .getByTestId("metric-table-output_tokens")
      .locator('tr[data-variant="friendly"] [data-cell="value"]');
    expect(await friendly.textContent()).toBe(formatNumber(mean?.variants[1]?.value));
    await page.screenshot({ path: artifactPath("results-week.png"), fullPage: true });
    await page.close();
  });

  it("shows the CUPED effect beside the raw one, and a broken guardrail apart", async () => {
    await api("POST", "api/v1/experiments", {
      key: "reply_length",
      variants: [
        { key: "control", weight: 50 },
        { key: "concise", weight: 50 },
      ],
      metrics: [
        { name: "tokens", kind: "sum", primary: true, covariate: "tokens_before" },
        { name: "latency_ms", kind: "mean", guardrail: { harm: "increase", tolerance: 0.05 } },
      ],
    });
    await api("POST", "api/v1/experiments/reply_length/start");
    const events: unknown[] = [];
    await Promise.all(
      Array.from({ length: 400 }, async (_, index) => {
        const entityId = `reader-${index}`;
        const before = 100 + ((index * 37) % 60);
        const { variantKey } = await api<{ variantKey: string }>(
          "POST",
          "api/v1/experiments/evaluate",
          { experimentKey: "reply_length", entityId, properties: { tokens_before: before } },
        );
        const concise = variantKey === "concise";
        const tokens = before + ((index * 13) % 20) - (concise ? 10 : 0);
        events.push({ entityId, metricName: "tokens", value: tokens });
        events.push({
          entityId,
          metricName: "latency_ms",
          value: (concise ? 1300 : 1000) + ((index * 7) % 50),
        });
      }),
    );
    await api("POST", "api/v1/track", { events });
    const results = await api<ExperimentResults>("GET", "api/v1/experiments/reply_length/results");
    expect(results.guardrailViolations).toHaveLength(1);

    const page = await signedInPage();
    await page.goto(`${server.url}/#/experiments/reply_length`);
    const alert = page.getByTestId("guardrail-alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("latency_ms");
    const cuped = results.metrics[0]?.variants[1]?.comparison?.cuped;
    const cell = page
      .getByTestId("metric-table-tokens")
      .locator('tr[data-variant="concise"] [data-cell="cuped"]');
    expect(await cell.textContent()).toContain(
      `${formatSignedNumber(cuped?.absolute.estimate)} ${formatInterval(cuped?.absolute.ci, formatSignedNumber)}`,
    );
    const verdict = page
      .getByTestId("metric-table-latency_ms")
      .locator('tr[data-variant="concise"] [data-cell="guardrail"]');
    expect(await verdict.textContent()).toBe("harm");
    await page.screenshot({ path: artifactPath("guardrail.png"), fullPage: true });
    await page.close();
  });

  it("shows a bandit's shares and chances instead of a sample-ratio verdict", async () => {
    await api("POST", "api/v1/experiments", {
      key: "answer_style",
      variants: [
        { key: "short", weight: 50 },
        { key: "steps", weight: 50 },
      ],
      metrics: [{ name: "solved", kind: "binomial", primary: true }],
      bandit: { floor: 10 },
    });
    await api("POST", "api/v1/experiments/answer_style/start");
    const events: unknown[] = [];
    for (let index = 0; index < 200; index++) {
      const entityId = `solver-${index}`;
      const { variantKey } = await api<{ variantKey: string }>(
        "POST",
        "api/v1/experiments/evaluate",
        { experimentKey: "answer_style", entityId },
      );
      if (index % (variantKey === "steps" ? 2 : 5) === 0) {
        events.push({ entityId, metricName: "solved" });
      }
    }
    await api("POST", "api/v1/track", { events });
    await api("POST", "api/v1/experiments/answer_style/rebalance");
    const results = await api<ExperimentResults>("GET", "api/v1/experiments/answer_style/results");
    expect(results.srm).toBeNull();

    const page = await signedInPage();
    await page.goto(`${server.url}/#/experiments/answer_style`);
    const panel = page.getByTestId("bandit");
    await panel.waitFor();
    for (const arm of results.bandit?.arms ?? []) {
      const row = panel.locator(`tr[data-variant="${arm.variantKey}"]`);
      expect(await row.locator('[data-cell="weight"]').textContent()).toBe(
        `${formatNumber(arm.weight)}%`,
      );
      expect(await row.locator('[data-cell="best"]').textContent()).toBe(
        formatPercent(arm.chanceToBeBest),
      );
    }
    expect(await page.getByTestId("srm").count()).toBe(0);
    await page.close();
  });

  it("lists experiments by status", async () => {
    const page = await signedInPage();
    const rows = page.getByTestId("experiments").locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(6);
    await page.getByLabel("Status").selectOption("running");
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByLabel("Status").selectOption("stopped");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute("data-key")).toBe("tutor_prompt");
    await page.close();
  });

  it("shows flags with their rules and attached experiments", async () => {
    await api("POST", "api/v1/flags", {
      key: "new_checkout",
      flag_type: "boolean",
      default_value: false,
      enabled: true,
      rules: [{ condition: { country: "FR" }, value: true }],
    });
    await api("POST", "api/v1/flags/new_checkout/experiments", {
      name: "Checkout test",
      variants: [
        { key: "off", value: false, percentage: 50 },
        { key: "on", value: true, percentage: 50 },
      ],
    });
    const page = await signedInPage();
    await page.getByRole("link", { name: "Flags" }).click();
    const card = page.getByTestId("flag-new_checkout");
    await card.waitFor();
    expect(await card.textContent()).toContain('{"country":"FR"}');
    await card.getByRole("link", { name: "Checkout test" }).waitFor();
    await page.screenshot({ path: artifactPath("flags.png"), fullPage: true });
    await page.close();
  });

  it("creates a key (plaintext once), lists its prefix and revokes it", async () => {
    const page = await signedInPage();
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Name").fill("ci-sdk");
    await page.getByRole("button", { name: "Create key" }).click();
    const plaintext = (await page.getByTestId("new-key").locator("code").textContent()) ?? "";
    expect(plaintext).toMatch(/^ak_/);
    await page.screenshot({ path: artifactPath("keys.png"), fullPage: true });
    // The new key works against the API, with the sdk scope only.
    const current = await api<{ key: { id: string; scopes: string[]; prefix: string } }>(
      "GET",
      "api/v1/keys/current",
      undefined,
      plaintext,
    );
    expect(current.key.scopes).toEqual(["sdk"]);
    const row = page.locator(`tr[data-key-id="${current.key.id}"]`);
    expect(await row.textContent()).toContain(current.key.prefix);
    expect(await page.content()).not.toContain(await hashOf(plaintext));

    await row.getByRole("button", { name: "Revoke ci-sdk" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
    await row.getByText(/^revoked/).waitFor();
    const after = await fetch(`${server.url}/api/v1/keys/current`, {
      headers: { "x-api-key": plaintext },
    });
    expect(after.status).toBe(401);
    await page.close();
  });

  it("fits a phone's width and works from the keyboard", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await page.goto(`${server.url}/#/experiments/tutor_prompt`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("api-key");
    await page.keyboard.type(adminKey);
    await page.keyboard.press("Enter");
    await page.getByTestId("metric-table-thumbs_up").waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: artifactPath("results-phone.png"), fullPage: true });
    await page.close();
  });

  it("finds the API from a page served below another path", async () => {
    const nested = await startServer(`sqlite:${dbPath}`, ["--dashboard-path", "/admin/ui"]);
    try {
      const page = await browser.newPage();
      await page.goto(`${nested.url}/admin/ui`);
      expect(new URL(page.url()).pathname).toBe("/admin/ui/");
      await page.getByLabel("API key").fill(adminKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("experiments").waitFor();
      await page.close();
    } finally {
      await nested.stop();
    }
  });

  it("shows a shipped experiment's badge and the decision behind it", async () => {
    await api("POST", "api/v1/experiments", {
      key: "cta_copy",
      variants: [
        { key: "control", weight: 50, config: { copy: "Buy" } },
        { key: "treatment", weight: 50, config: { copy: "Buy now" } },
      ],
    });
    await api("POST", "api/v1/experiments/cta_copy/start");
    await api("POST", "api/v1/experiments/cta_copy/ship", { variantKey: "treatment" });
    const page = await signedInPage();
    await page.goto(`${server.url}/#/experiments/cta_copy`);
    await page.locator(".badge-shipped").waitFor();
    expect(await page.getByTestId("shipped-fact").textContent()).toMatch(
      /^treatment to everyone, by user/,
    );
    expect(await page.getByTestId("decision-fact").textContent()).toContain(
      "Shipped treatment by hand.",
    );
    await page.close();
  });

  // --- Helpers ---

  /** Users evaluate through the API; some give a thumbs up (treatment more often) and log. */
  async function sendTraffic(experimentKey: string, users: number): Promise<void> {
    const events: unknown[] = [];
    for (let start = 0; start < users; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, users - start) }, async (_, offset) => {
          const index = start + offset;
          const entityId = `learner-${index}`;
          const { variantKey } = await api<{ variantKey: string }>(
            "POST",
            "api/v1/experiments/evaluate",
            { experimentKey, entityId },
          );
          const rate = variantKey === "control" ? 0.3 : 0.45;
          if ((index * 7919) % 100 < rate * 100) {
            events.push({ entityId, metricName: "thumbs_up", idempotencyKey: `up-${index}` });
          }
          if (index % 10 === 0) {
            await api("POST", `experiment/${experimentKey}/log`, {
              variantKey,
              metrics: { latency_ms: 200 + (index % 97) * 3 },
            });
          }
        }),
      );
    }
    await api("POST", "api/v1/track", { events });
  }

  /** Every number of the results page equals the API's, as the page formats it. */
  async function expectResultsShown(page: Page, results: ExperimentResults): Promise<void> {
    for (const variant of results.variants) {
      const shown = page.locator(
        `.variant-users [data-variant="${variant.key}"] [data-cell="users"]`,
      );
      expect(await shown.textContent()).toBe(formatCount(variant.users));
    }
    const metric = results.metrics.find((candidate) => candidate.name === "thumbs_up");
    expect(metric?.variants.length).toBe(2);
    const table = page.getByTestId("metric-table-thumbs_up");
    for (const variant of metric?.variants ?? []) {
      const row = table.locator(`tr[data-variant="${variant.variantKey}"]`);
      const cell = async (name: string) => row.locator(`[data-cell="${name}"]`).textContent();
      expect(await cell("users")).toBe(formatCount(variant.n));
      expect(await cell("value")).toBe(formatPercent(variant.value));
      const comparison = variant.comparison;
      if (!comparison) continue;
      expect(await cell("absolute")).toBe(
        `${formatSignedPercent(comparison.absolute.estimate)} ${formatInterval(comparison.absolute.ci, formatSignedPercent)}`,
      );
      // thumbs_up is higher-is-better: an interval above 0 is coloured better, below 0 worse.
      expect(metric?.direction).toBe("higher");
      const [low, high] = comparison.absolute.ci ?? [0, 0];
      const verdict = low > 0 ? "better" : high < 0 ? "worse" : "unclear";
      expect(await row.locator('[data-cell="absolute"]').getAttribute("data-verdict")).toBe(
        verdict,
      );
      expect(await cell("p")).toBe(formatP(comparison.pValue));
      expect(await cell("chance")).toBe(formatPercent(comparison.chanceToBeatControl));
      expect(await cell("sequential")).toBe(
        formatInterval(comparison.sequential?.ci, formatSignedPercent),
      );
    }

    // The interval plot is drawn (pixels on its canvas) and describes the API's interval.
    const plot = page.getByTestId("interval-plot-thumbs_up");
    const treatment = metric?.variants[1]?.comparison;
    expect(await plot.getAttribute("aria-label")).toContain(
      formatInterval(treatment?.absolute.ci, formatSignedPercent),
    );
    expect(await paintedPixels(page, "interval-plot-thumbs_up")).toBeGreaterThan(500);

    const days = results.exposuresOverTime;
    expect(days.length).toBeGreaterThan(0);
    const chart = page.getByTestId("exposures-chart");
    expect(await chart.getAttribute("aria-label")).toContain(days[0]?.date ?? "?");
    expect(await paintedPixels(page, "exposures-chart")).toBeGreaterThan(500);

    const latency = results.logMetrics.find((candidate) => candidate.name === "latency_ms");
    const logs = page.getByTestId("log-metrics");
    for (const variant of latency?.variants ?? []) {
      const row = logs.locator(
        `tr[data-metric="latency_ms"][data-variant="${variant.variantKey}"]`,
      );
      expect(await row.locator('[data-cell="p95"]').textContent()).toBe(formatNumber(variant.p95));
    }
    expect(latency?.variants.length).toBe(2);
  }
});

async function hashOf(plaintext: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha256").update(plaintext).digest("hex");
}
