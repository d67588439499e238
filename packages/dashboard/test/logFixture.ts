import { createAbkit, createApiKey, type LogRecord, type Store } from "@abkit/core";
import type { Browser, Page } from "playwright-core";
import { memoryStore } from "../../memory/src/index.js";
import { launchBrowser } from "./browser.js";

/** The experiment whose logs the browser tests read. */
export const LOGGED = "tutor_prompt";
/** An experiment of 5,100 control logs: a treatment filter finds nothing in one scan. */
export const BUSY = "busy_prompt";
/** An experiment without logs. */
export const QUIET = "quiet_prompt";
/** When the first log of `LOGGED` was made; one log a minute after it. */
export const FIRST_LOG_AT = Date.parse("2026-05-01T08:00:00.000Z");
/** How many logs `LOGGED` holds. */
export const LOG_COUNT = 61;

/**
 * The API with the dashboard on a memory store (its logs carry scores), the logs below,
 * headless Chromium and an admin key. Logs are written through the store with ids made at
 * their creation times, so times are fixed and known.
 *
 * `LOGGED` log i (0 to 60): variant `control` for even i below 60, `treatment` for the others; input
 * `{question: "What is k+1?"}` with k = floor(i / 2), so each control log has a treatment twin;
 * log 60 (treatment) repeats log 58's input, so log 58 has two twins. Score `judge` is
 * (i mod 10) / 10 from `llm-judge`; every third log also has `thumbs_up` 1 from `human`.
 */
export interface LogSession {
  url: string;
  adminKey: string;
  store: Store;
  browser: Browser;
  /** Calls the API as any client would; throws on an error status. */
  api<T>(path: string): Promise<T>;
  /** A page signed in with the admin key, in UTC (the filters' times are local). */
  signedInPage(width?: number): Promise<Page>;
  close(): Promise<void>;
}

export async function openLogSession(): Promise<LogSession> {
  const store = memoryStore();
  const { plaintext: adminKey } = await createApiKey(store, {
    organizationId: "default",
    projectId: "default",
    scopes: ["admin"],
  });
  await seedLogs(store);
  const server = await startApiServer(store);
  const browser = await launchBrowser();

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${server.url}/${path}`, { headers: { "x-api-key": adminKey } });
    const parsed = (await response.json()) as T;
    if (!response.ok) throw new Error(`GET ${path}: ${JSON.stringify(parsed)}`);
    return parsed;
  }

  async function signedInPage(width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, timezoneId: "UTC" });
    await page.goto(`${server.url}/`);
    await page.getByLabel("API key").fill(adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Experiments", level: 1 }).waitFor();
    return page;
  }

  return {
    url: server.url,
    adminKey,
    store,
    browser,
    api,
    signedInPage,
    async close() {
      await browser.close();
      await server.close();
      await store.close();
    },
  };
}

/** A log id made at `ms`, the `n`-th of its millisecond (as the engine's monotonic ids sort). */
export function logIdAt(ms: number, n = 0): string {
  return `log_${base32(ms, 10)}${base32(n, 16)}`;
}

// --- Internal helpers ---

/**
 * The HTTP package's own test server (Fastify). Imported by path at run time: type-checking
 * the HTTP sources here, under this package's DOM types, would report what is not wrong there.
 */
async function startApiServer(store: Store): Promise<{ url: string; close(): Promise<void> }> {
  const servers: {
    startServer(
      mount: "fastify",
      options: { store: Store; dashboard: boolean },
    ): Promise<{ url: string; close(): Promise<void> }>;
  } = await import(new URL("../../http/test/servers.ts", import.meta.url).pathname);
  return servers.startServer("fastify", { store, dashboard: true });
}

async function seedLogs(store: Store): Promise<void> {
  const abkit = createAbkit({ store });
  const variants = [
    { key: "control", weight: 50, config: { prompt: "Answer in one sentence." } },
    { key: "treatment", weight: 50, config: { prompt: "Walk through it step by step." } },
  ];
  const ids: Record<string, string> = {};
  for (const key of [LOGGED, BUSY, QUIET]) {
    ids[key] = (await abkit.experiments.create({ key, name: key.replace("_", " "), variants })).id;
    await abkit.experiments.start(key);
  }
  await abkit.close();

  for (let i = 0; i < LOG_COUNT; i++) {
    const at = FIRST_LOG_AT + i * 60_000;
    const log = tutorLog(i, at, ids[LOGGED] ?? "");
    await store.appendLog(log);
    await score(store, log, "judge", (i % 10) / 10, "llm-judge", at + 1000);
    if (i % 3 === 0) await score(store, log, "thumbs_up", 1, "human", at + 2000);
  }
  // A day earlier, so their ids differ from the tutor logs' (ids are unique across experiments).
  const busyAt = FIRST_LOG_AT - 86_400_000;
  for (let i = 0; i < 5_100; i++) {
    await store.appendLog({
      id: logIdAt(busyAt, i),
      projectId: "default",
      experimentId: ids[BUSY] ?? "",
      variantKey: "control",
      input: { question: `busy ${i}` },
      output: null,
      metrics: {},
      context: null,
      createdAt: new Date(busyAt).toISOString(),
    });
  }
}

function tutorLog(i: number, at: number, experimentId: string): LogRecord {
  const k = i === 60 ? 29 : Math.floor(i / 2);
  const variantKey = i % 2 === 0 && i !== 60 ? "control" : "treatment";
  return {
    id: logIdAt(at),
    projectId: "default",
    experimentId,
    variantKey,
    entityId: `student-${i % 4}`,
    input: { question: `What is ${k}+1?`, grade: 3 },
    output: {
      answer: variantKey === "control" ? `${k + 1}.` : `Start from ${k}, add one: ${k + 1}.`,
    },
    metrics: { latency_ms: 400 + i * 7, tokens: 20 + i },
    context: { model: "tutor-small", attempt: i },
    createdAt: new Date(at).toISOString(),
  };
}

async function score(
  store: Store,
  log: LogRecord,
  name: string,
  value: number,
  source: string,
  at: number,
): Promise<void> {
  await store.attachScore({
    projectId: log.projectId,
    experimentId: log.experimentId,
    logId: log.id,
    variantKey: log.variantKey,
    key: name,
    name,
    value,
    source,
    createdAt: new Date(at).toISOString(),
  });
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function base32(value: number, length: number): string {
  let rest = value;
  let text = "";
  for (let index = 0; index < length; index++) {
    text = (CROCKFORD[rest % 32] ?? "0") + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}
