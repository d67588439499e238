import { expect, it } from "vitest";
import { readLuaSources } from "../scripts/generateLua.js";
import { COMMANDS, INCLUDES } from "../src/lua/sources.js";

it("src/lua/sources.ts holds the .lua files as they are (else: pnpm --filter @abkit/redis lua)", () => {
  const onDisk = readLuaSources();
  expect(COMMANDS).toEqual(onDisk.commands);
  expect(INCLUDES).toEqual(onDisk.includes);
});
