import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runChatbot } from "../src/chatbot.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("chatbot demo", () => {
  it("runs on a new file, then again on the same file without changing any number", async () => {
    dir = mkdtempSync(join(tmpdir(), "abkit-chatbot-"));
    const dbPath = join(dir, "demo.db");
    const first = await runChatbot({ dbPath, users: 3000 });
    const text = first.join("\n");
    expect(text).toContain("experiment created");
    const [, accepted, deduped] = /Events: (\d+) accepted, (\d+) deduped/.exec(text) ?? [];
    expect(Number(accepted)).toBeGreaterThan(1000);
    expect(Number(deduped)).toBeGreaterThan(0);
    expect(text).toMatch(/Sample ratio: ok/);
    // The verdict comes first, before the sample ratio and the tables, with its sentence.
    expect(text).toMatch(/\nVerdict: (SHIP \w+|KEEP RUNNING|NO DETECTABLE EFFECT)\n {2}\S/);
    expect(text.indexOf("Verdict:")).toBeLessThan(text.indexOf("Sample ratio"));
    // Fewer tokens is better and the step-by-step prompt spends more: its metric verdict says so.
    expect(text).toMatch(/verdict: worse \(treatment\)/);
    expect(text).toMatch(/treatment +\d+ +[\d.]+% +[+-][\d.]+% \[/);
    expect(text).toMatch(/latency_ms \(from execution logs\)/);
    // The simulated judge scored every logged answer once; its grade and the cost per answer
    // read per execution, with the step-by-step prompt graded higher and costing more.
    const [, logged, scored] =
      /(\d+) executions logged, (\d+) scored by the judge/.exec(text) ?? [];
    expect(Number(scored)).toBe(Number(logged));
    const judge = text.slice(text.indexOf("judge_score (mean per answer)"));
    const judgeMeans = [...judge.matchAll(/\n(control|treatment) +(\d+) +([\d.]+)/g)]
      .slice(0, 2)
      .map((m) => Number(m[3]));
    expect(judgeMeans[1]).toBeGreaterThan(judgeMeans[0] ?? 1);
    const cost = text.slice(text.indexOf("cost (mean per answer, lower is better)"));
    const costMeans = [...cost.matchAll(/\n(control|treatment) +(\d+) +([\d.e-]+)/g)]
      .slice(0, 2)
      .map((m) => Number(m[3]));
    expect(costMeans[0]).toBeGreaterThan(0);
    expect(costMeans[1]).toBeGreaterThan(costMeans[0] ?? Infinity);
    // The primary metric by country: the segment's two countries, whose users add up to all.
    const byCountry = text.slice(text.indexOf("thumbs_up by country"));
    const countryUsers = [...byCountry.matchAll(/\n(ES|FR) +(\d+) /g)].map((m) => Number(m[2]));
    expect(countryUsers).toHaveLength(2);
    const [, totalUsers] = /\ntreatment +(\d+) /.exec(text) ?? [];
    const [, controlUsers] = /\ncontrol +(\d+) /.exec(text) ?? [];
    expect(countryUsers.reduce((a, b) => a + b, 0)).toBe(Number(totalUsers) + Number(controlUsers));
    // The step-by-step prompt spends more tokens: worse, since fewer is better.
    const tokens = text.slice(text.indexOf("output_tokens (mean per user, lower is better)"));
    const [, tokenChance] = /\ntreatment +.* ([\d.]+)%/.exec(tokens) ?? [];
    expect(Number(tokenChance)).toBeLessThan(5);

    const second = await runChatbot({ dbPath, users: 3000 });
    const again = second.join("\n");
    expect(again).toContain("reused from an earlier run");
    expect(again).toMatch(/Events: 0 accepted, \d+ deduped \(a rerun/);
    // Everything from the results table on is identical.
    const table = (lines: string[]) =>
      lines.slice(lines.findIndex((line) => line.startsWith("Results of")));
    expect(table(second)).toEqual(table(first));
  }, 60_000);
});
