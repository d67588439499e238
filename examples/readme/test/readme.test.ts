import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../../..");

describe("README", () => {
  it("holds an embedded example that runs as written", async () => {
    const readme = await readFile(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Embedded"));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    expect(code?.split("\n").filter((line) => line.trim() !== "").length).toBeLessThanOrEqual(20);

    // Written inside this package so "@abkit/core" resolves as an app's import would.
    const file = join(import.meta.dirname, `../.readme-example-${process.pid}.mts`);
    await writeFile(file, code ?? "");
    try {
      const tsx = join(import.meta.dirname, "../node_modules/.bin/tsx");
      const { stdout } = await run(tsx, ["--conditions=@abkit/source", file]);
      expect(stdout.trim()).toMatch(
        /^(control Give the final answer in one sentence\.|treatment Walk through it step by step\.)$/,
      );
    } finally {
      await rm(file, { force: true });
    }
  });
});
