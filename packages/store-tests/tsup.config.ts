import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({
  // The child runner is its own entry: the suite spawns it as a separate Node process.
  entry: { index: "src/index.ts", "child/runner": "src/child/runner.ts" },
  external: ["vitest", "@abkit/core"],
});
