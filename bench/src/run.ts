/**
 * Runs every benchmark case in its own child process, collects the JSON line each prints,
 * and prints the comparison table. `pnpm bench [filter...]` runs the cases whose file or
 * arguments contain one of the filters. BENCH_PROFILE=<dir> writes a CPU profile per process.
 */
import type { CaseResult } from "./lib/emit.js";
import { firstJsonLine, spawnTs } from "./lib/spawn.js";
import { table } from "./lib/table.js";
import { CASES, COMPARISONS } from "./plan.js";

const filters = process.argv.slice(2);
const selected = CASES.filter(
  (c) => filters.length === 0 || filters.some((f) => [c.file, ...c.args].join(" ").includes(f)),
);
const results = new Map<string, CaseResult>();
const started = performance.now();
for (const c of selected) {
  const label = `${c.file} ${c.args.join(" ")}`;
  const child = spawnTs(c.file, c.args);
  try {
    const result = await firstJsonLine<CaseResult>(child);
    await new Promise((resolve) => child.once("exit", resolve));
    results.set(result.name, result);
    console.log(
      `${result.name}: ${Math.round(result.value * 1000) / 1000} ${result.unit}`,
      result.extra ? JSON.stringify(result.extra) : "",
    );
  } catch (error) {
    console.error(`${label} failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
const relevant = COMPARISONS.filter((c) => results.has(c.ours) || results.has(c.reference));
console.log(`\n${table(relevant, results)}`);
console.log(`\n${selected.length} cases in ${((performance.now() - started) / 1000).toFixed(0)} s`);
