import { cpSync } from "node:fs";
import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({
  // The Lua scripts are read at run time from beside the bundle.
  onSuccess: async () => cpSync("src/lua", "dist/lua", { recursive: true }),
});
