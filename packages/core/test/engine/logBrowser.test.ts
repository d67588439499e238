import { memoryStore } from "@abkit/memory";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { canonicalJson } from "../../src/engine/tracking/canonicalJson.js";
import {
  type Abkit,
  type LogRecord,
  NotFoundError,
  newId,
  type Store,
  StoreUnavailableError,
  ValidationError,
} from "../../src/index.js";
import { newEngine, promptExperiment } from "./fixtures.js";

const KEY = "math-bot-system-prompt-v2";
// Ids come from a monotonic clock that never goes back: each test starts a day later.
let START = Date.parse("2030-01-01T10:00:00.000Z");

/** The engine's log browsing: filters, bounded scans, one log, and same-input lookups. */
describe("log browsing", () => {
  let store: Store;
  let abkit: Abkit;

  beforeEach(async () => {
    START += 86_400_000;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
    store = memoryStore();
    abkit = newEngine(store);
    await abkit.experiments.create(promptExperiment());
    await abkit.experiments.start(KEY);
  });

  afterEach(async () => {
    vi.useRealTimers();
    await abkit.close();
  });

  /**
   * Logs `count` executions one minute apart; the i-th (from 0) goes to `variantOf(i)`.
   * Written as `abkit.log` writes them, with the entity the log body names.
   */
  async function logMinutes(
    count: number,
    variantOf: (i: number) => string = (i) => (i % 2 === 0 ? "control" : "treatment"),
  ): Promise<string[]> {
    const experimentId = (await abkit.experiments.get(KEY))?.id ?? "";
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      vi.setSystemTime(START + i * 60_000);
      const id = newId("log");
      await store.appendLog({
        id,
        projectId: "default",
        experimentId,
        variantKey: variantOf(i),
        entityId: `user-${i % 3}`,
        input: { question: `q${i}` },
        output: { answer: `a${i}` },
        metrics: { latency_ms: 100 + i },
        context: null,
        createdAt: new Date().toISOString(),
      });
      ids.push(id);
    }
    return ids;
  }

  const minute = (i: number) => new Date(START + i * 60_000).toISOString();
  const inputs = (logs: LogRecord[]) =>
    logs.map((log) => (log.input as { question: string }).question);

  async function score(logId: string, name: string, value: number): Promise<void> {
    const log = await store.getLog("default", logId);
    if (!log) throw new Error(`no log ${logId}`);
    await store.attachScore({
      projectId: "default",
      experimentId: log.experimentId,
      logId,
      variantKey: log.variantKey,
      key: name,
      name,
      value,
      source: "llm-judge",
      createdAt: new Date().toISOString(),
    });
  }

  it("pages every log newest first without filters, and says the history is exhausted", async () => {
    await logMinutes(5);
    const first = await abkit.logs(KEY, { limit: 3 });
    expect(inputs(first.logs)).toEqual(["q4", "q3", "q2"]);
    expect(first).toMatchObject({ scanned: 3, exhausted: false });
    const second = await abkit.logs(KEY, { limit: 3, cursor: first.nextCursor ?? "" });
    expect(inputs(second.logs)).toEqual(["q1", "q0"]);
    expect(second).toMatchObject({ nextCursor: null, scanned: 2, exhausted: true });
  });

  it("keeps one variant's logs", async () => {
    await logMinutes(7);
    const page = await abkit.logs(KEY, { variant: "treatment" });
    expect(inputs(page.logs)).toEqual(["q5", "q3", "q1"]);
    expect(page.logs.every((log) => log.variantKey === "treatment")).toBe(true);
    expect(page).toMatchObject({ scanned: 7, exhausted: true, nextCursor: null });
  });

  it("keeps one entity's logs", async () => {
    await logMinutes(7);
    const page = await abkit.logs(KEY, { entityId: "user-1" });
    expect(inputs(page.logs)).toEqual(["q4", "q1"]);
  });

  it("bounds by createdAt on both ends, inclusive, and stops reading once past `from`", async () => {
    await logMinutes(10);
    const listLogs = vi.spyOn(store, "listLogs");
    const page = await abkit.logs(KEY, { from: minute(3), to: minute(6) });
    expect(inputs(page.logs)).toEqual(["q6", "q5", "q4", "q3"]);
    expect(page.exhausted).toBe(true);
    // The scan started at `to` and ended at `from`: the logs outside were never examined.
    expect(page.scanned).toBe(4);
    expect(listLogs.mock.calls[0]?.[2].before).toMatch(/^log_/);
  });

  it("combines a time bound with a cursor, taking the older of the two starts", async () => {
    await logMinutes(10);
    const first = await abkit.logs(KEY, { to: minute(7), limit: 2 });
    expect(inputs(first.logs)).toEqual(["q7", "q6"]);
    const second = await abkit.logs(KEY, {
      to: minute(7),
      limit: 2,
      cursor: first.nextCursor ?? "",
    });
    expect(inputs(second.logs)).toEqual(["q5", "q4"]);
  });

  it("keeps logs holding a score of the name within the range, bounds inclusive", async () => {
    const ids = await logMinutes(6);
    await score(ids[0] ?? "", "judge", 0.2);
    await score(ids[1] ?? "", "judge", 0.5);
    await score(ids[2] ?? "", "judge", 0.9);
    await score(ids[3] ?? "", "helpful", 0.7);
    const inRange = await abkit.logs(KEY, { score: { name: "judge", min: 0.5, max: 0.9 } });
    expect(inputs(inRange.logs)).toEqual(["q2", "q1"]);
    expect(inRange.logs[0]?.scores?.map((held) => held.value)).toEqual([0.9]);
    const atLeast = await abkit.logs(KEY, { score: { name: "judge", min: 0.3 } });
    expect(inputs(atLeast.logs)).toEqual(["q2", "q1"]);
    const atMost = await abkit.logs(KEY, { score: { name: "judge", max: 0.5 } });
    expect(inputs(atMost.logs)).toEqual(["q1", "q0"]);
    const anyValue = await abkit.logs(KEY, { score: { name: "helpful" } });
    expect(inputs(anyValue.logs)).toEqual(["q3"]);
  });

  it("combines filters: every one must hold", async () => {
    const ids = await logMinutes(8);
    for (const id of ids) await score(id, "judge", 1);
    const page = await abkit.logs(KEY, {
      variant: "control",
      entityId: "user-0",
      from: minute(1),
      score: { name: "judge", min: 1 },
    });
    // control: q0 q2 q4 q6; user-0: q0 q3 q6; from minute 1 leaves q6.
    expect(inputs(page.logs)).toEqual(["q6"]);
  });

  it("stops at the scan budget with a cursor, and continues from it to the rare match", async () => {
    // Only the oldest log is a treatment: a rare match behind 24 others.
    await logMinutes(25, (i) => (i === 0 ? "treatment" : "control"));
    const first = await abkit.logs(KEY, { variant: "treatment", scanLimit: 10 });
    expect(first).toMatchObject({ logs: [], scanned: 10, exhausted: false });
    expect(first.nextCursor).toMatch(/^log_/);
    const second = await abkit.logs(KEY, {
      variant: "treatment",
      scanLimit: 10,
      cursor: first.nextCursor ?? "",
    });
    expect(second).toMatchObject({ logs: [], scanned: 10, exhausted: false });
    const third = await abkit.logs(KEY, {
      variant: "treatment",
      scanLimit: 10,
      cursor: second.nextCursor ?? "",
    });
    expect(inputs(third.logs)).toEqual(["q0"]);
    expect(third).toMatchObject({ scanned: 5, exhausted: true, nextCursor: null });
  });

  it("examines at most 5,000 logs per call by default", async () => {
    const appended: LogRecord[] = [];
    const experimentId = (await abkit.experiments.get(KEY))?.id ?? "";
    for (let i = 0; i < 5_100; i++) {
      const record: LogRecord = {
        id: `log_${String(i).padStart(26, "0")}`,
        projectId: "default",
        experimentId,
        variantKey: "control",
        input: null,
        output: null,
        metrics: {},
        context: null,
        createdAt: minute(0),
      };
      appended.push(record);
      await store.appendLog(record);
    }
    const page = await abkit.logs(KEY, { variant: "treatment" });
    expect(page).toMatchObject({ logs: [], scanned: 5_000, exhausted: false });
    expect(page.nextCursor).toBe(appended[100]?.id);
  });

  it("answers one log of the experiment with its scores, and not_found for others", async () => {
    const [id = ""] = await logMinutes(1);
    await score(id, "judge", 0.75);
    const log = await abkit.getLog(KEY, id);
    expect(log).toMatchObject({ id, variantKey: "control", output: { answer: "a0" } });
    expect(log.scores).toEqual([expect.objectContaining({ name: "judge", value: 0.75 })]);

    await abkit.experiments.create(promptExperiment({ key: "other" }));
    await expect(abkit.getLog("other", id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(abkit.getLog(KEY, "log_01ARZ3NDEKTSV4RRFFQ69G5FAV")).rejects.toMatchObject({
      code: "not_found",
      details: { kind: "log" },
    });
    await expect(abkit.getLog("missing", id)).rejects.toMatchObject({
      details: { kind: "experiment" },
    });
  });

  it("finds the other variants' logs with a deep-equal input, key order ignored", async () => {
    const log = (variantKey: string, input: unknown) =>
      abkit.log(KEY, { variantKey, input: input as never }).then((made) => made.logId);
    const mine = await log("control", { q: "2+2", opts: { lang: "en", n: 1 } });
    const sameOtherVariant = await log("treatment", { opts: { n: 1, lang: "en" }, q: "2+2" });
    await log("control", { q: "2+2", opts: { lang: "en", n: 1 } }); // same variant: not a comparison
    await log("treatment", { q: "2+3", opts: { lang: "en", n: 1 } });
    const newer = await log("treatment", { q: "2+2", opts: { lang: "en", n: 1 } });

    const page = await abkit.logsWithSameInput(KEY, mine);
    expect(page.logs.map((other) => other.id)).toEqual([newer, sameOtherVariant]);
    expect(page.exhausted).toBe(true);

    const limited = await abkit.logsWithSameInput(KEY, mine, { limit: 1 });
    expect(limited.logs.map((other) => other.id)).toEqual([newer]);
    const rest = await abkit.logsWithSameInput(KEY, mine, {
      limit: 1,
      cursor: limited.nextCursor ?? "",
    });
    expect(rest.logs.map((other) => other.id)).toEqual([sameOtherVariant]);
    await expect(abkit.logsWithSameInput(KEY, "log_nope")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("compares JSON canonically", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe(
      '{"a":null,"b":[1,{"c":2,"d":1}]}',
    );
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe(
      '{"__proto__":{"x":1},"a":2}',
    );
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it.each([
    [{ limit: 0 }, "limit"],
    [{ limit: 501 }, "limit"],
    [{ variant: "" }, "variant"],
    [{ from: "yesterday" }, "from"],
    [{ to: "2026-13-01" }, "to"],
    [{ from: minute(5), to: minute(1) }, "from"],
    [{ score: { min: 1 } }, "score.name"],
    [{ score: { name: "judge", min: 2, max: 1 } }, "score.min"],
    [{ score: { name: "judge", min: Number.NaN } }, "score.min"],
    [{ entityId: "" }, "entityId"],
    [{ scanLimit: 5_001 }, "scanLimit"],
    [{ color: "red" }, ""],
  ])("refuses %j naming the field", async (options, field) => {
    const error = await abkit.logs(KEY, options as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(field);
  });

  it("refuses bad same-input options and arguments", async () => {
    const [id = ""] = await logMinutes(1);
    await expect(abkit.logsWithSameInput(KEY, id, { limit: 101 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(abkit.getLog(KEY, "" as string)).rejects.toBeInstanceOf(ValidationError);
    await expect(abkit.logs("missing", { variant: "control" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("passes a store failure on mid-scan instead of answering a partial page", async () => {
    await logMinutes(30, () => "control");
    const read = store.listLogs.bind(store);
    let reads = 0;
    // The first read answers a short page, so the scan needs a second one, which fails.
    vi.spyOn(store, "listLogs").mockImplementation(async (projectId, experimentId, page) => {
      reads++;
      if (reads === 1) return read(projectId, experimentId, { ...page, limit: 5 });
      throw new StoreUnavailableError("memory", "read failed");
    });
    await expect(abkit.logs(KEY, { variant: "treatment" })).rejects.toMatchObject({
      code: "store_unavailable",
    });
    expect(reads).toBe(2);
  });
});
