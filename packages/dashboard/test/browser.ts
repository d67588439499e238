import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium; `.ci/run` installs it (`apt-get install -y chromium`). */
export const CHROMIUM = process.env.ABKIT_CHROMIUM ?? "/usr/bin/chromium";

/** True when the browser tests can run here; with ABKIT_REQUIRE_BROWSER=1 a missing one fails. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.ABKIT_REQUIRE_BROWSER === "1") {
    throw new Error(`ABKIT_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM}`);
  }
  console.warn(
    `[dashboard] SKIPPED the browser tests: no Chromium at ${CHROMIUM} ` +
      "(apt-get install -y chromium, or set ABKIT_CHROMIUM)",
  );
  return false;
}

/** Headless Chromium with the flags a closed network and a root user need. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Where screenshots go: kept after the run as test artifacts (git ignores the folder). */
export function artifactPath(name: string): string {
  const dir = new URL("../test-artifacts/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  return new URL(name, dir).pathname;
}
