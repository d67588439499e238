import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { type Server, startServer, tempDir } from "../../cli/test/helpers.js";
import { launchBrowser } from "./browser.js";

/** A real `abkit serve` on a temp SQLite file, headless Chromium, and the admin key. */
export interface DashboardSession {
  server: Server;
  browser: Browser;
  adminKey: string;
  dbPath: string;
  /** Calls the API as any other client would; throws on an error status. */
  api<T>(method: string, path: string, body?: unknown, key?: string): Promise<T>;
  /** A page signed in with the admin key, on the experiments list. */
  signedInPage(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

export async function openSession(): Promise<DashboardSession> {
  const temp = tempDir();
  const dbPath = `${temp.dir}/abkit.db`;
  const server = await startServer(`sqlite:${dbPath}`);
  const adminKey = server.adminKey ?? "";
  expect(adminKey).toMatch(/^ak_/);
  const browser = await launchBrowser();

  async function api<T>(method: string, path: string, body?: unknown, key = adminKey) {
    const response = await fetch(`${server.url}/${path}`, {
      method,
      headers: { "x-api-key": key, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(parsed)}`);
    return parsed;
  }

  async function signedInPage(width = 1280, height = 900): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`${server.url}/`);
    await page.getByLabel("API key").fill(adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Experiments", level: 1 }).waitFor();
    return page;
  }

  return {
    server,
    browser,
    adminKey,
    dbPath,
    api,
    signedInPage,
    async close() {
      await browser.close();
      await server.stop();
      temp.cleanup();
    },
  };
}

/** How far the page is wider than the window: 0 when nothing scrolls sideways. */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

/** Canvas pixels that are not transparent: the chart library drew something. */
export function paintedPixels(page: Page, testId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`);
    const context = canvas?.getContext("2d");
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let index = 3; index < data.length; index += 4) if ((data[index] ?? 0) > 0) painted++;
    return painted;
  }, testId);
}
