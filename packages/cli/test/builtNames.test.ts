import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "tsup";
import { afterAll, describe, expect, it } from "vitest";
import { packageBuild } from "../../../tsup.shared.js";

// The published build, not the sources: the bundler renames a class whose name collides in
// the bundle (`_ValidationError`) unless told to keep names, and abkit's errors take their
// `name` from their class (`instanceof` across two copies of core compares names too).
const PACKAGES = fileURLToPath(new URL("../../", import.meta.url));
const CORE = join(PACKAGES, "core");
const outDir = mkdtempSync(join(tmpdir(), "abkit-built-names-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

let built: Promise<Record<string, unknown>> | undefined;
const buildCore = () => {
  built ??= buildOnce();
  return built;
};

async function buildOnce(): Promise<Record<string, unknown>> {
  const shared = packageBuild() as Parameters<typeof build>[0];
  await build({
    ...shared,
    entry: [join(CORE, "src/index.ts")],
    tsconfig: join(CORE, "tsconfig.json"),
    outDir,
    config: false,
    dts: false,
    sourcemap: false,
    silent: true,
  });
  return (await import(pathToFileURL(join(outDir, "index.js")).href)) as Record<string, unknown>;
}

describe("the built @abkit/core", () => {
  it("keeps the name of every exported class and function", async () => {
    const core = await buildCore();
    const renamed = Object.entries(core)
      .filter(([, value]) => typeof value === "function")
      .filter(([exported, value]) => (value as { name: string }).name !== exported)
      .map(([exported, value]) => `${exported} is named ${(value as { name: string }).name}`);
    expect(renamed).toEqual([]);
  });

  it("gives each error its class's name, and instanceof holds", async () => {
    const core = (await buildCore()) as unknown as typeof import("@abkit/core");
    const errors: [string, Error][] = [
      ["AbkitError", new core.AbkitError("internal", "x")],
      ["ValidationError", core.ValidationError.field(["a"], "bad")],
      ["NotFoundError", new core.NotFoundError("experiment", "x")],
      ["ConflictError", new core.ConflictError("taken", {})],
      ["StoreUnavailableError", new core.StoreUnavailableError("redis", "down")],
      ["InvalidTransitionError", new core.InvalidTransitionError("draft to stopped", {})],
    ];
    for (const [name, error] of errors) {
      expect(error.name).toBe(name);
      expect(core.isAbkitError(error)).toBe(true);
    }
    const validation = errors[1]?.[1];
    expect(validation).toBeInstanceOf(core.ValidationError);
    expect(validation).not.toBeInstanceOf(core.NotFoundError);
    // What a user sees when an error escapes: its name and code, never a bundler's rename.
    expect(String(validation)).toBe("ValidationError: Invalid input: a: bad");
  });
});

describe("every package's build", () => {
  it("goes through the shared config, which keeps names", () => {
    expect(packageBuild()).toMatchObject({ keepNames: true });
    const configs = readdirSync(PACKAGES).flatMap((name) => {
      try {
        return [[name, readFileSync(join(PACKAGES, name, "tsup.config.ts"), "utf8")] as const];
      } catch {
        return [];
      }
    });
    expect(configs.length).toBeGreaterThanOrEqual(10);
    for (const [name, text] of configs) {
      expect(text, name).toContain("packageBuild(");
      expect(text, name).not.toContain("keepNames");
    }
  });
});
