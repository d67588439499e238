import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { findKeys, tempDir } from "./helpers.js";

// The `abkit` bin as a user runs it: the committed shim, not the test helpers' tsx loader.
const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../bin/abkit.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const env = { ...process.env, ABKIT_STORE: undefined, NODE_OPTIONS: undefined };

const temp = tempDir();
afterAll(() => temp.cleanup());

describe("the abkit bin", () => {
  it("runs from the TypeScript source in a checkout, with no build", async () => {
    const store = `sqlite:${join(temp.dir, "bin.db")}`;
    const created = await run(process.execPath, [BIN, "keys", "create", "--store", store], { env });
    expect(findKeys(created.stdout)).toHaveLength(1);
    const listed = await run(process.execPath, [BIN, "keys", "list", "--store", store], { env });
    expect(listed.stdout).toMatch(/^ID +PREFIX/);
    const version = await run(process.execPath, [BIN, "--version"], { env });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  // What `pnpm exec abkit` (and `npx abkit` at the root) runs: the links pnpm install made.
  it.each([
    ["examples/chatbot", "examples/chatbot/node_modules/.bin/abkit"],
    ["the repository root", "node_modules/.bin/abkit"],
  ])("is linked by pnpm install in %s", async (_where, link) => {
    const { stdout } = await run(join(ROOT, link), ["--help"], { env });
    expect(stdout).toContain("Usage:");
    expect(stdout).toContain("abkit serve");
  });

  it("runs dist/cli.js in a published package (no build config beside it)", async () => {
    const pkg = join(temp.dir, "published");
    mkdirSync(join(pkg, "bin"), { recursive: true });
    mkdirSync(join(pkg, "dist"));
    copyFileSync(BIN, join(pkg, "bin", "abkit.js"));
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(pkg, "dist", "cli.js"),
      'console.log("built", JSON.stringify(process.argv.slice(2)));\n',
    );
    const { stdout } = await run(process.execPath, [join(pkg, "bin", "abkit.js"), "keys", "list"], {
      env,
    });
    expect(stdout.trim()).toBe('built ["keys","list"]');
  });
});
