import { defineConfig } from "tsup";

export default defineConfig({
  // The child runner is its own entry: the suite spawns it as a separate Node process.
  entry: { index: "src/index.ts", "child/runner": "src/child/runner.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  external: ["vitest", "@abkit/core"],
});
