/**
 * Top self-time functions of a V8 CPU profile (`node --cpu-prof`).
 * Usage: node --import tsx src/profile/summarize.ts <file.cpuprofile> [top=25] [--by-file]
 * `--by-file` sums self time per script (module) instead of per function.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const byFile = process.argv.includes("--by-file");
const [file, topArg] = process.argv.slice(2).filter((arg) => arg !== "--by-file");
if (!file) throw new Error("usage: summarize.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  const frame = byId.get(id)!.callFrame;
  const where = frame.url
    .replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "")
    .replace(/^file:\/\/.*\/packages\//, "packages/");
  const key = byFile
    ? where || frame.functionName
    : `${frame.functionName || "(anonymous)"} ${where}:${frame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + delta);
  total += delta;
});
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
for (const [name, us] of top) {
  console.log(
    `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
  );
}
