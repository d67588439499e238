import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Routes talk to the engine facade only: a route that reads the store directly restates a
// rule the engine owns (and skips its checks), and `as never` hides a type the engine
// changed. Only the handler, the engine pool and authentication hold the store.
const SRC = join(import.meta.dirname, "../src");

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [{ path, text: readFileSync(path, "utf8") }] : [];
  });
}

describe("the HTTP layer and the engine facade", () => {
  it("has routes that never reach a store", () => {
    const routes = sources(join(SRC, "routes"));
    expect(routes.length).toBeGreaterThan(3);
    const reaching = routes.filter(({ text }) => /\.store\b|\bstore\./.test(text));
    expect(reaching.map(({ path }) => path)).toEqual([]);
  });

  it("gives routes no store in their context", () => {
    const context = readFileSync(join(SRC, "context.ts"), "utf8");
    const shape = context.slice(context.indexOf("export interface RequestContext"));
    expect(shape.slice(0, shape.indexOf("\n}"))).not.toMatch(/\bstore\b/);
  });

  it("casts nothing to never", () => {
    const casting = sources(SRC).filter(({ text }) => /\bas never\b/.test(text));
    expect(casting.map(({ path }) => path)).toEqual([]);
  });
});
