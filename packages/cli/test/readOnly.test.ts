import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/main.js";
import { captureContext, tempDir } from "./helpers.js";

// Commands that only read (or revoke what must be there) refuse a store that does not exist:
// opening a missing SQLite file would create it, and its folders, and then report "nothing".
const temp = tempDir();
afterAll(() => temp.cleanup());

describe("read-only commands on a missing SQLite file", () => {
  it.each([
    [["experiments", "list"]],
    [["results", "math-bot-system-prompt-v2"]],
    [["results", "math-bot-system-prompt-v2", "--json"]],
    [["keys", "list"]],
    [["keys", "revoke", "key_01M883N81YMZD59N296C0PA2N1"]],
  ])("%j fails with not_found and creates nothing", async (args) => {
    const missing = join(temp.dir, "no", "such", "folder", "abkit.db");
    const ctx = captureContext();
    const code = await runCli([...args, "--store", `sqlite:${missing}`], ctx);
    expect(code).toBe(1);
    expect(ctx.stdout).toEqual([]);
    expect(ctx.stderr.join("\n")).toBe(
      `error [not_found]: no SQLite file at ${missing}: check --store or ABKIT_STORE ` +
        "(abkit keys create or abkit serve create a new store)",
    );
    expect(existsSync(join(temp.dir, "no"))).toBe(false);
  });

  it("names the file the default store URL and ABKIT_STORE point at", async () => {
    const missing = join(temp.dir, "env.db");
    const ctx = captureContext({ ABKIT_STORE: `sqlite:${missing}` });
    expect(await runCli(["experiments", "list"], ctx)).toBe(1);
    expect(ctx.stderr.join("\n")).toContain(`no SQLite file at ${missing}`);
    expect(readdirSync(temp.dir).filter((name) => name.startsWith("env.db"))).toEqual([]);
  });

  it("keys create still makes a new store, which the read-only commands then open", async () => {
    const fresh = join(temp.dir, "new", "abkit.db");
    const store = `sqlite:${fresh}`;
    const created = captureContext();
    expect(await runCli(["keys", "create", "--store", store], created)).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    const listed = captureContext();
    expect(await runCli(["experiments", "list", "--store", store], listed)).toBe(0);
    expect(listed.stdout).toEqual(['No experiments in project "default".']);
  });
});
