import { setTimeout as sleep } from "node:timers/promises";
import { createAbkit, createApiKey, type LogRecord, newId, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

const KEY = "tutor-prompt";
const BASE = `/api/v1/experiments/${KEY}/logs`;

// Response bodies are checked field by field below.
type Page = { logs: LogRecord[]; nextCursor: string | null; scanned: number; exhausted: boolean };

describe.each(MOUNTS)("log browser routes on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  const keys: Record<string, string> = {};
  // Oldest first: q0 (control, user-a), q1 (treatment, user-b), ... q5.
  const ids: string[] = [];

  const get = (path: string, key: string | undefined = keys.admin) =>
    fetch(`${server.url}${path}`, { headers: key ? { "x-api-key": key } : {} });
  const page = async (query: string): Promise<Page> => {
    const response = await get(`${BASE}?${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  };
  const questions = (body: Page) => body.logs.map((log) => (log.input as { q: string }).q);
  const expectError = async (path: string, status: number, code: string) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code, message: expect.any(String) });
    return body.error;
  };

  beforeAll(async () => {
    store = memoryStore();
    keys.admin = (
      await createApiKey(store, { organizationId: "acme", projectId: "default", scopes: ["admin"] })
    ).plaintext;
    keys.sdk = (
      await createApiKey(store, { organizationId: "acme", projectId: "default", scopes: ["sdk"] })
    ).plaintext;
    keys.rival = (
      await createApiKey(store, { organizationId: "rival", projectId: "rival", scopes: ["admin"] })
    ).plaintext;
    const abkit = createAbkit({ store });
    const experiment = await abkit.experiments.create({
      key: KEY,
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
    });
    await abkit.experiments.start(KEY);
    for (let i = 0; i < 6; i++) {
      const id = newId("log");
      const variantKey = i % 2 === 0 ? "control" : "treatment";
      await store.appendLog({
        id,
        projectId: "default",
        experimentId: experiment.id,
        variantKey,
        entityId: i < 3 ? "user-a" : "user-b",
        // q0 and q1 share an input across the two variants (key order differs).
        input: i === 1 ? { lang: "en", q: "q0" } : { q: `q${i}`, lang: "en" },
        output: { answer: `a${i}` },
        metrics: { latency_ms: 100 + i },
        context: { model: "small" },
        createdAt: new Date().toISOString(),
      });
      await store.attachScore({
        projectId: "default",
        experimentId: experiment.id,
        logId: id,
        variantKey,
        key: "judge",
        name: "judge",
        value: i / 10,
        source: "llm-judge",
        createdAt: new Date().toISOString(),
      });
      ids.push(id);
      // Distinct creation times, so the time bounds below select exact logs.
      await sleep(3);
    }
    await abkit.close();
    server = await startServer(mount, { store });
  });
  afterAll(async () => server.close());

  it("pages newest first and says how much it examined", async () => {
    const first = await page("limit=4");
    expect(first.logs.map((log) => log.id)).toEqual([ids[5], ids[4], ids[3], ids[2]]);
    expect(first).toMatchObject({ scanned: 4, exhausted: false });
    const rest = await page(`limit=4&cursor=${first.nextCursor}`);
    expect(rest.logs.map((log) => log.id)).toEqual([ids[1], ids[0]]);
    expect(rest).toMatchObject({ nextCursor: null, exhausted: true });
  });

  it("filters by variant, entity, score range and time as the engine does", async () => {
    expect((await page("variant=treatment")).logs.map((log) => log.id)).toEqual([
      ids[5],
      ids[3],
      ids[1],
    ]);
    expect((await page("entityId=user-b")).logs.map((log) => log.id)).toEqual([
      ids[5],
      ids[4],
      ids[3],
    ]);
    const scored = await page("scoreName=judge&scoreMin=0.2&scoreMax=0.4");
    expect(scored.logs.map((log) => log.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(scored.logs[0]?.scores?.[0]).toMatchObject({ name: "judge", source: "llm-judge" });

    const all = await page("");
    const created = (index: number) => all.logs[5 - index]?.createdAt ?? "";
    const window = await page(
      `from=${encodeURIComponent(created(1))}&to=${encodeURIComponent(created(3))}`,
    );
    expect(window.logs.map((log) => log.id)).toEqual([ids[3], ids[2], ids[1]]);
    const combined = await page(`variant=control&to=${encodeURIComponent(created(3))}`);
    expect(questions(combined)).toEqual(["q2", "q0"]);
  });

  it("reads one log with its scores, context and metrics", async () => {
    const response = await get(`${BASE}/${ids[2]}`);
    expect(response.status).toBe(200);
    const log = (await response.json()) as LogRecord;
    expect(log).toMatchObject({
      id: ids[2],
      variantKey: "control",
      entityId: "user-a",
      output: { answer: "a2" },
      metrics: { latency_ms: 102 },
      context: { model: "small" },
    });
    expect(log.scores).toEqual([expect.objectContaining({ name: "judge", value: 0.2 })]);
  });

  it("finds the other variant's log for the same input", async () => {
    const response = await get(`${BASE}/${ids[0]}/same-input`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Page;
    expect(body.logs.map((log) => log.id)).toEqual([ids[1]]);
    expect(body.exhausted).toBe(true);
    const none = (await (await get(`${BASE}/${ids[4]}/same-input`)).json()) as Page;
    expect(none.logs).toEqual([]);
  });

  it("answers 404 for an unknown log, experiment, or another organization's log", async () => {
    const unknownLog = await expectError(
      `${BASE}/log_01ARZ3NDEKTSV4RRFFQ69G5FAV`,
      404,
      "not_found",
    );
    expect(unknownLog.message).toContain("log");
    await expectError(`/api/v1/experiments/nope/logs/${ids[0]}`, 404, "not_found");
    await expectError(`/api/v1/experiments/nope/logs?variant=control`, 404, "not_found");
    await expectError(`${BASE}/${ids[0]}/same-input`.replace(KEY, "nope"), 404, "not_found");
    const rival = await get(`${BASE}/${ids[0]}`, keys.rival);
    expect(rival.status).toBe(404);
  });

  it.each([
    ["scoreMin=0.1", "scoreName"],
    ["scoreName=judge&scoreMin=0.5&scoreMax=0.1", "scoreMin"],
    ["scoreName=judge&scoreMin=high", "scoreMin"],
    ["from=yesterday", "from"],
    ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["variant=control&variant=treatment", "variant"],
    ["scanLimit=5001", "scanLimit"],
  ])("answers 400 naming the parameter for ?%s", async (query, name) => {
    const error = await expectError(`${BASE}?${query}`, 400, "validation_failed");
    expect(error.message).toContain(name);
  });

  it("answers 400 for a bad same-input limit, 401 without a key, 403 for an sdk key", async () => {
    await expectError(`${BASE}/${ids[0]}/same-input?limit=101`, 400, "validation_failed");
    expect((await get(`${BASE}/${ids[0]}`, "")).status).toBe(401);
    expect((await get(`${BASE}/${ids[0]}/same-input`, keys.sdk)).status).toBe(403);
    expect((await get(`${BASE}?variant=control`, keys.sdk)).status).toBe(403);
  });
});
