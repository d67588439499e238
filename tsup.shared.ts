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
    // esbuild renames a class whose name collides in the bundle (`_ValidationError`); errors
    // take their `name` from their class, and users match on it: keep every name as written.
    keepNames: true,
    ...overrides,
  });
}
