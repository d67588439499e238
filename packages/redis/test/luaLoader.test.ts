import { describe, expect, it } from "vitest";
import { COMMANDS, INCLUDES } from "../src/lua/sources.js";
import { expandIncludes, scriptVersion } from "../src/luaLoader.js";
import { LOADED, loadScripts } from "../src/scripts.js";

describe("Lua includes", () => {
  it("replaces an include line with the included file, itself expanded", () => {
    const includes = {
      outer: '--- @include "inner"\nlocal function outer() end\n',
      inner: "local x = 1\n",
    };
    expect(expandIncludes("s-1", 'local a\n--- @include "outer"\nreturn a\n', includes)).toBe(
      "local a\nlocal x = 1\nlocal function outer() end\nreturn a\n",
    );
  });

  it("includes a file once, where it is first named, however many files name it", () => {
    const includes = {
      fmt: "local function fmt() end",
      a: '--- @include "fmt"\nlocal function a() end',
      b: "-- @include 'fmt'\nlocal function b() end",
    };
    const lua = expandIncludes(
      "s-1",
      '--- @include "a"\n--- @include "b"\n--- @include "fmt"\nreturn 0',
      includes,
    );
    expect(lua).toBe(
      "local function fmt() end\nlocal function a() end\nlocal function b() end\nreturn 0",
    );
  });

  it("refuses a cycle, naming its path", () => {
    const includes = { a: '--- @include "b"', b: '--- @include "c"', c: '--- @include "a"' };
    expect(() => expandIncludes("s-1", '--- @include "a"', includes)).toThrow(
      expect.objectContaining({
        code: "internal",
        message: "redis store: Lua script s-1: includes form a cycle: a -> b -> c -> a",
      }),
    );
  });

  it("refuses an include lua/includes/ does not have, naming who asked for it", () => {
    expect(() => expandIncludes("s-1", '--- @include "nope"', {})).toThrow(
      'Lua script s-1: it includes "nope", which lua/includes/ does not have',
    );
    expect(() => expandIncludes("s-1", '--- @include "a"', { a: '--- @include "gone"' })).toThrow(
      'Lua script s-1: "a" includes "gone", which lua/includes/ does not have',
    );
  });

  it("leaves lines that only mention @include alone", () => {
    const lua = 'local s = "--- @include \\"a\\""\n-- see @include docs';
    expect(expandIncludes("s-1", lua, {})).toBe(lua);
  });
});

describe("the store's scripts", () => {
  it("expand every include and define each shared function once", () => {
    for (const { lua } of Object.values(LOADED)) {
      expect(lua).not.toMatch(/@include/);
      for (const name of ["formatNumber", "addTo", "split"]) {
        expect(lua.split(`local function ${name}(`).length).toBeLessThanOrEqual(2);
      }
    }
    // applyEvents pulls addTo (which pulls formatNumber) and split.
    expect(LOADED.applyEvents.lua).toContain("local function formatNumber(");
    expect(LOADED.applyEvents.lua).toContain("local function split(");
  });

  it("are registered under a version that is a digest of their expanded text", () => {
    expect(LOADED.applyEvents.command).toBe(
      `abkit:applyEvents:${scriptVersion(LOADED.applyEvents.lua)}`,
    );
    expect(LOADED.applyEvents.command).toMatch(/^abkit:applyEvents:[0-9a-f]{12}$/);
    const names = Object.values(LOADED).map((script) => script.command);
    expect(new Set(names).size).toBe(names.length);
  });

  it("get a new version when a script or one of its includes changes, and only then", () => {
    const same = loadScripts(COMMANDS, INCLUDES);
    expect(same.appendLog.command).toBe(LOADED.appendLog.command);

    const editedScript = loadScripts(
      { ...COMMANDS, "appendLog-3": `${COMMANDS["appendLog-3"]}-- changed\n` },
      INCLUDES,
    );
    expect(editedScript.appendLog.command).not.toBe(LOADED.appendLog.command);
    expect(editedScript.createApiKey.command).toBe(LOADED.createApiKey.command);

    // An edit to a shared function changes every script that includes it, not the others.
    const editedInclude = loadScripts(COMMANDS, {
      ...INCLUDES,
      formatNumber: INCLUDES.formatNumber!.replace("%.17g", "%.16g"),
    });
    for (const name of ["appendLog", "applyEvents", "recordAssignments"] as const) {
      expect(editedInclude[name].command).not.toBe(LOADED[name].command);
    }
    expect(editedInclude.putDefinition.command).toBe(LOADED.putDefinition.command);
  });
});
