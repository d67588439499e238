import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogPage, LogRecord } from "../web/src/api/types.js";
import { formatNumber } from "../web/src/format.js";
import { previewJson, previewNumbers } from "../web/src/logs/preview.js";
import { artifactPath, browserAvailable } from "./browser.js";
import { BUSY, LOG_COUNT, LOGGED, type LogSession, openLogSession, QUIET } from "./logFixture.js";
import { horizontalOverflow } from "./session.js";

const LOGS = `api/v1/experiments/${LOGGED}/logs`;
/** How long a check waits for the page to show the API's answer (2 busy cores). */
const PATIENCE = { timeout: 15_000 };

/**
 * The log browser in headless Chromium against the API on a memory store: the rows, the
 * execution and the comparison must show what the API returns.
 */
describe.runIf(browserAvailable())("log browser in a browser", () => {
  let session: LogSession;

  beforeAll(async () => {
    session = await openLogSession();
  });

  afterAll(async () => {
    await session?.close();
  });

  const rowIds = (page: Page) =>
    page
      .getByTestId("log-table")
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-log-id")));

  /** Waits for the paging status to say `text` (the page reads the API first). */
  async function expectStatus(page: Page, text: string): Promise<void> {
    const status = page.getByTestId("log-status");
    await status.filter({ hasText: text }).waitFor();
    expect(await status.textContent()).toBe(text);
  }

  async function openLogs(page: Page, key = LOGGED): Promise<void> {
    await page.goto(`${session.url}/#/experiments/${key}`);
    await page
      .getByRole("navigation", { name: "Experiment views" })
      .getByRole("link", { name: "Logs" })
      .click();
    await page.getByRole("heading", { name: "Execution logs" }).waitFor();
  }

  it("lists the API's logs newest first, with their previews, and pages on", async () => {
    const page = await session.signedInPage();
    await openLogs(page);
    const first = await session.api<LogPage>(LOGS);
    await page.getByTestId("log-table").waitFor();
    expect(await rowIds(page)).toEqual(first.logs.map((log) => log.id));
    expect(first.logs).toHaveLength(50);

    // Each cell shows the API's values (previews are formatting only).
    const newest = first.logs[0] as LogRecord;
    const row = page.locator(`tr[data-log-id="${newest.id}"]`);
    expect(await row.locator('[data-cell="variant"]').textContent()).toBe(newest.variantKey);
    expect(await row.locator('[data-cell="entity"]').textContent()).toBe(newest.entityId);
    expect(await row.locator('[data-cell="input"]').textContent()).toBe(previewJson(newest.input));
    expect(await row.locator('[data-cell="output"]').textContent()).toBe(
      previewJson(newest.output),
    );
    expect(await row.locator('[data-cell="metrics"]').textContent()).toBe(
      previewNumbers(Object.entries(newest.metrics)),
    );
    expect(await row.locator('[data-cell="scores"]').textContent()).toBe(
      previewNumbers((newest.scores ?? []).map((held) => [held.name, held.value])),
    );

    // The window's worth, as docs/images/dashboard-logs.png shows it.
    await page.screenshot({ path: artifactPath("logs-window.png") });
    await page.getByRole("button", { name: "Load more" }).click();
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="log-table"] tbody tr').length === count,
      LOG_COUNT,
    );
    const rest = await session.api<LogPage>(`${LOGS}?cursor=${first.nextCursor}`);
    expect(await rowIds(page)).toEqual([...first.logs, ...rest.logs].map((log) => log.id));
    expect(rest.exhausted).toBe(true);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    await page.screenshot({ path: artifactPath("logs.png"), fullPage: true });
    await page.close();
  });

  it("filters by variant and score range, then by time, as the API does", async () => {
    const page = await session.signedInPage();
    await openLogs(page);
    await page.getByLabel("Variant").selectOption("treatment");
    await page.getByLabel("Score name").fill("judge");
    await page.getByLabel("Score min").fill("0.5");
    await page.getByLabel("Score max").fill("0.7");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const scored = await session.api<LogPage>(
      `${LOGS}?variant=treatment&scoreName=judge&scoreMin=0.5&scoreMax=0.7`,
    );
    expect(scored.logs.length).toBeGreaterThan(0);
    await expect.poll(() => rowIds(page), PATIENCE).toEqual(scored.logs.map((log) => log.id));
    expect(await page.getByTestId("log-status").textContent()).toBe(
      `${scored.logs.length} matches in the last ${scored.scanned} executions (all of them).`,
    );
    // The filters live in the URL: a reload keeps them.
    expect(page.url()).toContain("variant=treatment");
    await page.reload();
    await expect.poll(() => rowIds(page), PATIENCE).toEqual(scored.logs.map((log) => log.id));
    expect(await page.getByLabel("Score min").inputValue()).toBe("0.5");

    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByLabel("From").fill("2026-05-01T08:10:00");
    await page.getByLabel("To").fill("2026-05-01T08:20:30");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const window = await session.api<LogPage>(
      `${LOGS}?from=2026-05-01T08:10:00.000Z&to=2026-05-01T08:20:30.000Z`,
    );
    expect(window.logs).toHaveLength(11);
    await expect.poll(() => rowIds(page), PATIENCE).toEqual(window.logs.map((log) => log.id));
    await page.close();
  });

  it("says honestly when nothing matches, nothing is logged, or the API refuses a filter", async () => {
    const page = await session.signedInPage();
    await page.goto(`${session.url}/#/experiments/${LOGGED}/logs?entityId=nobody`);
    await expectStatus(page, "No executions match these filters.");

    await openLogs(page, QUIET);
    await expectStatus(page, "No executions logged yet.");

    // 5,100 control logs: one call examines 5,000 and says so; the button reads on.
    await page.goto(`${session.url}/#/experiments/${BUSY}/logs?variant=treatment`);
    await expectStatus(page, "No matches in the last 5,000 executions.");
    await page.getByRole("button", { name: "Search older executions" }).click();
    await expectStatus(page, "No executions match these filters.");

    // A bound without a score name: the API's own 400, as it wrote it.
    const response = await fetch(`${session.url}/${LOGS}?scoreMin=0.5`, {
      headers: { "x-api-key": session.adminKey },
    });
    const expected = ((await response.json()) as { error: { code: string; message: string } })
      .error;
    expect(response.status).toBe(400);
    await openLogs(page);
    await page.getByLabel("Score min").fill("0.5");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const error = page.getByTestId("api-error");
    await error.waitFor();
    expect(await error.locator(".error-message").textContent()).toBe(expected.message);
    expect(await error.locator(".error-code").textContent()).toBe(expected.code);

    // An unknown experiment: its 404 once, and no filters for logs that cannot exist.
    await page.goto(`${session.url}/#/experiments/no_such_prompt/logs`);
    await page.getByTestId("api-error").locator(".error-code", { hasText: "not_found" }).waitFor();
    expect(await page.getByTestId("api-error").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Apply filters" }).count()).toBe(0);
    await page.close();
  });

  it("opens an execution from its row by keyboard, with its scores and JSON", async () => {
    const page = await session.signedInPage();
    await openLogs(page);
    const first = await session.api<LogPage>(`${LOGS}?limit=3`);
    const chosen = first.logs[2] as LogRecord;
    await page.locator(`tr[data-log-id="${chosen.id}"] a`).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Execution", level: 1 }).waitFor();

    const log = await session.api<LogRecord>(`${LOGS}/${chosen.id}`);
    const json = (value: unknown) => JSON.stringify(value, null, 2);
    await expect
      .poll(() => page.getByTestId("log-output").textContent(), PATIENCE)
      .toBe(json(log.output));
    expect(await page.getByTestId("log-input").textContent()).toBe(json(log.input));
    expect(await page.getByTestId("log-context").textContent()).toBe(json(log.context));
    expect(await page.locator('[data-fact="variant"]').textContent()).toBe(log.variantKey);
    expect(await page.locator('[data-fact="id"]').textContent()).toBe(log.id);
    for (const [name, value] of Object.entries(log.metrics)) {
      expect(
        await page.getByTestId("log-metrics").locator(`[data-metric="${name}"] dd`).textContent(),
      ).toBe(formatNumber(value));
    }
    const scores = log.scores ?? [];
    expect(scores.length).toBeGreaterThan(0);
    const rows = page.getByTestId("log-scores").locator("tbody tr");
    expect(await rows.count()).toBe(scores.length);
    for (const [index, held] of scores.entries()) {
      const row = rows.nth(index);
      expect(await row.locator("th").textContent()).toBe(held.name);
      expect(await row.locator('[data-cell="value"]').textContent()).toBe(formatNumber(held.value));
      expect(await row.locator('[data-cell="source"]').textContent()).toBe(held.source);
    }
    await page.close();
  });

  it("shows two variants' outputs side by side for the same input, choosing among several", async () => {
    const all = await session.api<LogPage>(`${LOGS}?limit=500`);
    // Log 58: the newest control log, whose input two treatment logs share.
    const control = all.logs.find((log) => log.variantKey === "control") as LogRecord;
    const twins = await session.api<LogPage>(`${LOGS}/${control.id}/same-input`);
    expect(twins.logs.map((log) => log.variantKey)).toEqual(["treatment", "treatment"]);

    const page = await session.signedInPage();
    await page.goto(`${session.url}/#/experiments/${LOGGED}/logs/${control.id}`);
    const compare = page.getByTestId("compare");
    const json = (value: unknown) => JSON.stringify(value, null, 2);
    await expect
      .poll(() => page.getByTestId("compare-output-treatment").textContent(), PATIENCE)
      .toBe(json(twins.logs[0]?.output));
    expect(await page.getByTestId("compare-output-control").textContent()).toBe(
      json(control.output),
    );
    expect(await page.getByTestId("compare-input").textContent()).toBe(json(control.input));
    expect(await compare.locator(".compare-column").count()).toBe(2);

    const choice = page.getByRole("combobox", { name: "Compare with" });
    expect(await choice.locator("option").count()).toBe(2);
    await choice.selectOption(twins.logs[1]?.id ?? "");
    await expect
      .poll(() => page.getByTestId("compare-output-treatment").textContent(), PATIENCE)
      .toBe(json(twins.logs[1]?.output));
    expect(
      await compare
        .locator('.compare-column[data-variant="treatment"]')
        .getAttribute("data-log-id"),
    ).toBe(twins.logs[1]?.id);
    await page.screenshot({ path: artifactPath("logs-compare.png"), fullPage: true });

    // A link can name the execution to compare with (`?compare=<logId>`).
    await page.goto(
      `${session.url}/#/experiments/${LOGGED}/logs/${control.id}?compare=${twins.logs[1]?.id}`,
    );
    await page.reload();
    await expect
      .poll(() => page.getByTestId("compare-output-treatment").textContent(), PATIENCE)
      .toBe(json(twins.logs[1]?.output));

    // The other side's link opens that execution, compared with this one.
    await page
      .getByTestId("compare")
      .locator('.compare-column[data-variant="treatment"] a')
      .click();
    await expect
      .poll(() => page.locator('[data-fact="id"]').textContent(), PATIENCE)
      .toBe(twins.logs[1]?.id);
    await expect
      .poll(() => page.getByTestId("compare-output-control").textContent(), PATIENCE)
      .toBe(json(control.output));
    await page.close();
  });

  it("works at 390 px: nothing scrolls sideways, the comparison stacks", async () => {
    const page = await session.signedInPage(390);
    await openLogs(page);
    await page.getByTestId("log-table").waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: artifactPath("logs-phone.png"), fullPage: true });

    const [newest] = await rowIds(page);
    await page.locator(`tr[data-log-id="${newest}"] a`).click();
    await page.getByTestId("log-output").waitFor();
    const columns = page.getByTestId("compare").locator(".compare-column");
    await expect.poll(() => columns.count(), PATIENCE).toBe(2);
    expect(await horizontalOverflow(page)).toBe(0);
    const [left, right] = [await columns.nth(0).boundingBox(), await columns.nth(1).boundingBox()];
    expect(left && right && right.y > left.y + left.height - 1).toBe(true);
    expect(left?.x).toBe(right?.x);
    await page.screenshot({ path: artifactPath("logs-compare-phone.png"), fullPage: true });
    await page.close();
  });
});
