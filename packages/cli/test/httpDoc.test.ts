import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type Server, startServer, tempDir } from "./helpers.js";

// docs/http.md's walk-through, run as written: its ```bash blocks in order, with bash, against
// `abkit serve` on a fresh SQLite file and the admin key it printed. Each curl is followed by
// a `# <status> <json>` line: the status must be it, and the JSON a part of the answer.
const DOC = fileURLToPath(new URL("../../../docs/http.md", import.meta.url));
const temp = tempDir();
let server: Server | undefined;
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

interface Step {
  command: string;
  status: number;
  json: unknown;
}

describe("docs/http.md", () => {
  const blocks = [...readFileSync(DOC, "utf8").matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map(
    (match) => match[1] ?? "",
  );
  const steps = blocks.flatMap(stepsOf);

  it("has a walk-through where every curl says what it answers", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(steps.length).toBeGreaterThanOrEqual(14);
  });

  it("runs top to bottom against a fresh abkit serve, every answer as documented", async () => {
    server = await startServer(`sqlite:${join(temp.dir, "http-doc.db")}`, ["--no-dashboard"]);
    expect(server.adminKey).not.toBeNull();
    const out = join(temp.dir, "answers");
    // curl as a function: each call's status and body land in numbered files.
    const script = [
      "set -euo pipefail",
      `mkdir -p ${out}`,
      "n=0",
      `curl() { n=$((n + 1)); command curl -sS -o "${out}/$n.body" -w '%{http_code}' "$@" > "${out}/$n.status"; }`,
      ...blocks,
    ].join("\n");
    const run = spawnSync("bash", ["-c", script], {
      env: { ...process.env, ABKIT: server.url, KEY: server.adminKey ?? "" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);

    steps.forEach((step, index) => {
      const n = index + 1;
      const status = Number(readFileSync(join(out, `${n}.status`), "utf8"));
      const body = readFileSync(join(out, `${n}.body`), "utf8");
      const where = `step ${n}: ${step.command}\nanswered ${status} ${body}`;
      expect(status, where).toBe(step.status);
      if (step.json !== undefined) {
        expect(mismatches(step.json, JSON.parse(body) as unknown), where).toEqual([]);
      }
    });
  });
});

// --- Internal helpers ---

/** The curls of a block (with their continuation lines), each with the line that follows. */
function stepsOf(block: string): Step[] {
  const lines = block.split("\n");
  const steps: Step[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!lines[index]?.startsWith("curl ")) continue;
    let command = lines[index] ?? "";
    while (command.endsWith("\\")) command = `${command.slice(0, -1)}${lines[++index] ?? ""}`;
    const expected = /^# (\d{3})(?: (.+))?$/.exec(lines[index + 1] ?? "");
    if (!expected) throw new Error(`no "# <status> <json>" line after: ${command}`);
    steps.push({
      command,
      status: Number(expected[1]),
      json: expected[2] === undefined ? undefined : JSON.parse(expected[2]),
    });
  }
  return steps;
}

/**
 * Where `actual` differs from the documented `expected`: each documented key must be there
 * with a matching value (others may be too), arrays match item by item, and a string ending
 * in "..." matches any string that starts with what comes before it.
 */
function mismatches(expected: unknown, actual: unknown, path = "$"): string[] {
  if (typeof expected === "string" && expected.endsWith("...")) {
    const ok = typeof actual === "string" && actual.startsWith(expected.slice(0, -3));
    return ok ? [] : [`${path}: ${JSON.stringify(actual)} is not ${expected}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: ${JSON.stringify(actual)} is not an array of ${expected.length}`];
    }
    return expected.flatMap((item, i) => mismatches(item, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      return [`${path}: ${JSON.stringify(actual)} is not an object`];
    }
    return Object.entries(expected).flatMap(([key, value]) =>
      key in actual
        ? mismatches(value, (actual as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key} is missing`],
    );
  }
  return Object.is(expected, actual)
    ? []
    : [`${path}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`];
}
