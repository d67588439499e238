import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { evalCondition } from "../src/conditions/index.js";
import {
  getRegex,
  MAX_REGEX_INPUT_LENGTH,
  MAX_REGEX_PATTERN_LENGTH,
  regexProblem,
} from "../src/conditions/regex.js";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const child = join(import.meta.dirname, "support/redosChild.ts");

const a = (n: number) => "a".repeat(n);

describe("$regex and $regexi cannot freeze the process", () => {
  // [operator, pattern, value, expected]: each would backtrack for hours (or forever) in a
  // JavaScript RegExp; the issue's own case took 13.8 s at 31 characters.
  const cases: [string, string, string, boolean][] = [
    ["$regex", "(a+)+$", `${a(30)}!`, false],
    ["$regex", "(a+)+$", `${a(5000)}!`, false],
    ["$regex", "(a+)+$", a(5000), true],
    ["$regexi", "(A+)+$", `${a(5000)}!`, false],
    ["$regex", "(a|a)*b", a(5000), false],
    ["$regex", "(a|aa)+$", `${a(5000)}!`, false],
    ["$regex", "(.*a){20}", `${a(19)}${"x".repeat(5000)}`, false],
    ["$regex", "(.*a){20}", a(20), true],
    ["$regex", "^(\\w+\\s?)*$", `${a(5000)}!`, false],
    ["$regex", "(x+x+)+y", "x".repeat(5000), false],
  ];

  it("answers the classic ReDoS patterns on adversarial values", async () => {
    // In a child process only as a safety net: a hang there is killed and fails the test
    // instead of blocking the runner. The assertion is on the answers, not on time.
    const input = JSON.stringify(
      cases.map(([operator, pattern, value]) => [operator, pattern, value]),
    );
    const answers = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", tsx, "--conditions=@abkit/source", child, input],
        { timeout: 60_000, killSignal: "SIGKILL" },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    expect(JSON.parse(answers)).toEqual(cases.map((row) => row[3]));
  }, 90_000);

  it("does not match a value longer than the input bound", () => {
    const condition = { s: { $regex: "^a+$" } };
    expect(evalCondition({ s: a(MAX_REGEX_INPUT_LENGTH) }, condition)).toBe(true);
    expect(evalCondition({ s: a(MAX_REGEX_INPUT_LENGTH + 1) }, condition)).toBe(false);
  });
});

describe("regexProblem (what the door refuses)", () => {
  it("accepts the patterns of the GrowthBook cases and common targeting", () => {
    for (const pattern of ["-12-25$", "(Mobile|Tablet)", "^ping", "@example\\.com$", "(a+)+$"]) {
      expect(regexProblem(pattern, false)).toBeNull();
      expect(regexProblem(pattern, true)).toBeNull();
    }
  });

  it("refuses what cannot run in linear time, invalid syntax, long or non-string patterns", () => {
    for (const pattern of ["(a)\\1", "(?<n>a)\\k<n>", "a(?=b)", "a(?!b)", "(?<=a)b", "[", "(?<"]) {
      expect(regexProblem(pattern, false), pattern).toMatch(/not a supported regular expression/);
    }
    expect(regexProblem("a".repeat(MAX_REGEX_PATTERN_LENGTH + 1), false)).toMatch(/at most/);
    expect(regexProblem(1, false)).toMatch(/must be a string/);
    // Stored before the door checked: it never matches, and evaluating it does not throw.
    expect(evalCondition({ s: "ab" }, { s: { $regex: "a(?=b)" } })).toBe(false);
  });
});

describe("RE2 reads patterns as JavaScript does", () => {
  // GrowthBook hands patterns to `new RegExp` (no `u` flag); the rewrite keeps that meaning
  // where RE2's syntax differs. Case-folding of a few letters (the Kelvin sign, long s) is the
  // documented exception.
  const patterns = [
    ".",
    "^.$",
    "\\s",
    "\\S",
    "[\\s]",
    "[^\\s]",
    "\\w",
    "\\bx",
    "\\d",
    "[^a]",
    "^a$",
    "\\v",
    "\\u00e9",
    "\\x41",
    "[\\b]",
    "a{,3}",
    "a{2}",
    "\\/",
    "a/b",
    "(?:a|b)",
    "(?<x>a)",
    "\\p{L}",
    "\\u{2}",
    "[]",
    "[^]",
    "a[]",
    "[^]b",
    "[.]",
    "[\\]]",
    "\\[.\\]",
    "-12-25$",
    "(Mobile|Tablet)",
    "\\\\s",
    "\\cJ",
    "[à-ÿ]",
    "é",
  ];
  const values = [
    "\n",
    "\r",
    "\u2028",
    "a",
    "A",
    "\u00a0",
    "\u000b",
    "\f",
    "\t",
    " ",
    "\u3000",
    "\ufeff",
    "\u1680",
    "é",
    "É",
    "\b",
    "aa",
    "a{,3}",
    "{",
    "]",
    "-",
    "x",
    "ab",
    "b",
    "p{L}",
    "uu",
    "[.]",
    "[a]",
    "\\s",
    "a/b",
    "1980-12-25",
    "Android Mobile",
  ];

  it.each(patterns)("%s", (pattern) => {
    for (const ignoreCase of [false, true]) {
      const native = new RegExp(pattern, ignoreCase ? "i" : undefined);
      const linear = getRegex(pattern, ignoreCase);
      expect(linear, pattern).not.toBeNull();
      for (const value of values) {
        expect(linear?.test(value), `${pattern} on ${JSON.stringify(value)}`).toBe(
          native.test(value),
        );
      }
    }
  });
});
