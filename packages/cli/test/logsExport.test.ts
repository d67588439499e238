import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createAbkit } from "@abkit/core";
import { sqliteStore } from "@abkit/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logLine } from "../src/commands/logs.js";
import { runCli } from "../src/main.js";
import { captureContext, runAbkit, tempDir } from "./helpers.js";

// More logs than one page of the engine's paging (500 at most), so every page must be read.
const temp = tempDir();
const DB = join(temp.dir, "logs.db");
const STORE = `sqlite:${DB}`;
const LOGS = 1203;
const logged = new Map<string, { variant: string; index: number }>();

beforeAll(async () => {
  const abkit = createAbkit({ store: sqliteStore({ path: DB }) });
  try {
    await abkit.experiments.create({
      key: "prompts",
      variants: [
        { key: "short", weight: 50 },
        { key: "steps", weight: 50 },
      ],
      metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
    });
    await abkit.experiments.create({
      key: "quiet",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
    });
    for (let index = 0; index < LOGS; index++) {
      // Every third log is "steps": 401 of them, 802 "short".
      const variant = index % 3 === 0 ? "steps" : "short";
      const { logId } = await abkit.log("prompts", {
        variantKey: variant,
        input: { question: `q${index}` },
        output: index % 2 === 0 ? `a${index}` : null,
        metrics: { latency_ms: index, tokens: 2 * index },
        context: { index },
      });
      logged.set(logId, { variant, index });
    }
  } finally {
    await abkit.close();
  }
}, 120_000);

afterAll(() => temp.cleanup());

interface Line {
  id: string;
  variant: string;
  input: unknown;
  output: unknown;
  metrics: Record<string, number>;
  context: unknown;
  timestamp: string;
}

const parse = (text: string): Line[] =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Line);

describe("abkit logs export --format jsonl", () => {
  it("writes every log of every page to standard output, newest first", async () => {
    const ctx = captureContext();
    const code = await runCli(
      ["logs", "export", "prompts", "--format", "jsonl", "--store", STORE],
      ctx,
    );
    expect(code).toBe(0);
    const lines = ctx.stdout.map((line) => JSON.parse(line) as Line);
    expect(lines).toHaveLength(LOGS);
    expect(new Set(lines.map((line) => line.id))).toEqual(new Set(logged.keys()));
    // Newest first: the logging order reversed (timestamps never increase, and each log's
    // index, recorded in its context, falls line by line).
    const indexes = lines.map((line) => (line.context as { index: number }).index);
    expect(indexes).toEqual([...Array(LOGS).keys()].reverse());
    for (let i = 1; i < lines.length; i++) {
      expect(lines[i]!.timestamp <= lines[i - 1]!.timestamp).toBe(true);
    }
  });

  it("gives each log's fields under their exported names", async () => {
    const ctx = captureContext();
    await runCli(["logs", "export", "prompts", "--format", "jsonl", "--store", STORE], ctx);
    const last = JSON.parse(ctx.stdout[0]!) as Line;
    const index = LOGS - 1; // 1202: "short" (not a multiple of 3), even, so it has an output
    expect(Object.keys(last)).toEqual([
      "id",
      "variant",
      "entityId",
      "input",
      "output",
      "metrics",
      "context",
      "scores",
      "timestamp",
    ]);
    expect(last).toMatchObject({
      variant: "short",
      input: { question: `q${index}` },
      output: `a${index}`,
      metrics: { latency_ms: index, tokens: 2 * index },
      context: { index },
      entityId: null,
      scores: [],
    });
    expect(logged.get(last.id)).toEqual({ variant: "short", index });
    expect(new Date(last.timestamp).toISOString()).toBe(last.timestamp);
    const odd = ctx.stdout.map((line) => JSON.parse(line) as Line)[1]!;
    expect(odd.output).toBeNull();
  });

  it("keeps one variant's logs with --variant, and writes a file with --out", async () => {
    const out = join(temp.dir, "steps.jsonl");
    const ctx = captureContext();
    const code = await runCli(
      [
        "logs",
        "export",
        "prompts",
        "--format",
        "jsonl",
        "--variant",
        "steps",
        "--out",
        out,
        "--store",
        STORE,
      ],
      ctx,
    );
    expect(code).toBe(0);
    expect(ctx.stdout).toEqual([]);
    expect(ctx.stderr).toEqual([`Exported 401 logs to ${out}.`]);
    const lines = parse(readFileSync(out, "utf8"));
    expect(lines).toHaveLength(401);
    expect(lines.every((line) => line.variant === "steps")).toBe(true);
    expect(lines.map((line) => (line.context as { index: number }).index)).toEqual(
      [...Array(LOGS).keys()].filter((index) => index % 3 === 0).reverse(),
    );
  });

  it("writes nothing for an experiment without logs", async () => {
    const ctx = captureContext();
    expect(
      await runCli(["logs", "export", "quiet", "--format", "jsonl", "--store", STORE], ctx),
    ).toBe(0);
    expect(ctx.stdout).toEqual([]);
  });

  it("refuses a wrong command line (2) and an unknown experiment (1), creating no file", async () => {
    const out = join(temp.dir, "never.jsonl");
    const cases: [string[], number, RegExp][] = [
      [["prompts"], 2, /missing --format jsonl/],
      [["prompts", "--format", "csv"], 2, /--format must be one of jsonl \(got "csv"\)/],
      [
        ["prompts", "--format", "jsonl", "--variant", "long"],
        2,
        /"long" is not a variant of "prompts" \(variants: short, steps\)/,
      ],
      [
        ["nope", "--format", "jsonl", "--out", out],
        1,
        /^error \[not_found\]: experiment "nope" not found/,
      ],
    ];
    for (const [args, expected, message] of cases) {
      const ctx = captureContext();
      const code = await runCli(["logs", "export", ...args, "--store", STORE], ctx);
      expect(code, args.join(" ")).toBe(expected);
      expect(ctx.stderr.join("\n")).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it("pipes every line through the built binary", async () => {
    const run = await runAbkit([
      "logs",
      "export",
      "prompts",
      "--format",
      "jsonl",
      "--store",
      STORE,
    ]);
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toHaveLength(LOGS);
  }, 30_000);
});

describe("an exported line", () => {
  it("carries the log's entity and its scores, oldest first, without store ids", () => {
    const base = { projectId: "default", experimentId: "exp_1", logId: "log_1", variantKey: "a" };
    const line = JSON.parse(
      logLine({
        ...base,
        id: "log_1",
        entityId: "user_7",
        input: "q",
        output: "a",
        metrics: { cost: 0.2 },
        context: null,
        createdAt: "2026-01-01T00:00:00.000Z",
        scores: [
          {
            ...base,
            key: "judge",
            name: "judge",
            value: 0.8,
            source: "llm-judge",
            createdAt: "t1",
          },
          { ...base, key: "vote-1", name: "thumbs_up", value: 1, source: null, createdAt: "t2" },
        ],
      }),
    );
    expect(line).toMatchObject({ id: "log_1", variant: "a", entityId: "user_7" });
    expect(line.scores).toEqual([
      { name: "judge", value: 0.8, source: "llm-judge", key: "judge", timestamp: "t1" },
      { name: "thumbs_up", value: 1, source: null, key: "vote-1", timestamp: "t2" },
    ]);
  });
});
