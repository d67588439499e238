import { defineConfig, type Options } from "tsup";

/** The build every package shares (ESM + types for Node 20); pass what differs. */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    ...overrides,
  });
}
