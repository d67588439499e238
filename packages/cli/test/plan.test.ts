import { describe, expect, it } from "vitest";
import { runCli } from "../src/main.js";
import { captureContext } from "./helpers.js";

async function run(args: string[]) {
  const ctx = captureContext();
  const code = await runCli(["plan", ...args], ctx);
  return { code, stdout: ctx.stdout.join("\n"), stderr: ctx.stderr.join("\n") };
}

describe("abkit plan", () => {
  it("prints the users per variant, the total and the days", async () => {
    const { code, stdout } = await run([
      "--metric",
      "binomial",
      "--baseline",
      "0.1",
      "--mde",
      "0.02",
      "--mde-type",
      "absolute",
      "--daily-users",
      "1000",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("10.00% -> 12.00% (+20.00%)");
    expect(stdout).toContain("3,841 control, 3,841 treatment");
    expect(stdout).toContain("Total users:        7,682");
    expect(stdout).toContain("8 at 1,000 users a day");
  });

  it("prints the plan object with --json, with the split, variants and alpha given", async () => {
    const { code, stdout } = await run([
      "--metric",
      "mean",
      "--baseline",
      "10",
      "--sd",
      "5",
      "--mde",
      "0.05",
      "--variants",
      "3",
      "--split",
      "50, 25, 25",
      "--alpha",
      "0.05",
      "--power",
      "0.8",
      "--variance-reduction",
      "0",
      "--json",
    ]);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    // Bonferroni at 0.025, the 25% arms setting N = (z_a + z_b)² · 5² · (1/0.5 + 1/0.25) / 0.5²
    // = 5703.0 with z_a = 2.2414, z_b = 0.8416; each arm rounded up.
    expect(plan).toMatchObject({
      usersPerVariant: [2852, 1426, 1426],
      totalUsers: 5704,
      comparisons: 2,
      alphaPerComparison: 0.025,
    });
    expect(plan.days).toBeUndefined();
  });

  it("exits 1 with validation_failed for values the plan rejects", async () => {
    const { code, stderr } = await run(["--metric", "binomial", "--baseline", "2", "--mde", "0"]);
    expect(code).toBe(1);
    expect(stderr).toContain("error [validation_failed]");
    expect(stderr).toContain("baseline: must be between 0 and 1");
    expect(stderr).toContain("mde: must not be 0");
    const mean = await run(["--metric", "mean", "--baseline", "10", "--mde", "0.1"]);
    expect(mean.stderr).toContain("sd: is required for a mean metric");
  });

  it("exits 2 with the usage for a missing option, a non-number or an unknown metric", async () => {
    for (const args of [
      ["--baseline", "0.1", "--mde", "0.1"],
      ["--metric", "binomial", "--baseline", "ten", "--mde", "0.1"],
      ["--metric", "count", "--baseline", "0.1", "--mde", "0.1"],
      ["--metric", "binomial", "--baseline", "0.1", "--mde", "0.1", "--split", "90,,10"],
    ]) {
      const { code, stderr } = await run(args);
      expect(code).toBe(2);
      expect(stderr).toContain("Usage: abkit plan");
    }
  });

  it("prints its usage for --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--daily-users <n>");
  });

  it("prints the detectable effect for --users instead of --mde", async () => {
    // The inverse of the first case: 7,682 users at 10% detect +2 points (R:
    // power.prop.test(n = 3841, p1 = 0.1, power = 0.8) gives p2 = 0.1200, to 4 decimals).
    const { code, stdout } = await run([
      "--metric",
      "binomial",
      "--baseline",
      "0.1",
      "--users",
      "7682",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("Detectable effect:  10.00% -> 12.00% (+20.00%)");
    expect(stdout).toContain("Users:              7,682 in all: 3,841 control, 3,841 treatment");
    // A mean: δ = (z_a + z_b) · sd · sqrt(1/n_c + 1/n_t) = 2.801585 · 5 · sqrt(2/1000) = 0.6265.
    const mean = await run([
      "--metric",
      "mean",
      "--baseline",
      "10",
      "--sd",
      "5",
      "--users",
      "2000",
      "--json",
    ]);
    const effect = JSON.parse(mean.stdout);
    expect(effect.absolute).toBeCloseTo(2.801585 * 5 * Math.sqrt(2 / 1000), 5);
    expect(effect.relative).toBeCloseTo(effect.absolute / 10, 10);
  });

  it("exits 2 for both --mde and --users, or neither", async () => {
    for (const args of [
      ["--metric", "binomial", "--baseline", "0.1", "--mde", "0.1", "--users", "1000"],
      ["--metric", "binomial", "--baseline", "0.1"],
    ]) {
      const { code, stderr } = await run(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--mde|--users/);
    }
    const bad = await run(["--metric", "binomial", "--baseline", "0.1", "--users", "0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("totalUsers: must be a positive number");
  });
});
