import { packageBuild } from "../../tsup.shared.ts";

// src/cli.ts starts with a shebang, which tsup keeps (and marks the file executable).
export default packageBuild({
  entry: ["src/index.ts", "src/cli.ts"],
  dts: { entry: "src/index.ts" },
});
