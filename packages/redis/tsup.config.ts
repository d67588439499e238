import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // The Lua scripts are read at run time from beside the bundle.
  onSuccess: async () => cpSync("src/lua", "dist/lua", { recursive: true }),
});
