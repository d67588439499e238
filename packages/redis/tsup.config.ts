import { packageBuild } from "../../tsup.shared.ts";

// The Lua scripts are in the bundle (src/lua/sources.ts, generated from the .lua files):
// nothing is read from beside it, so a re-bundled package still has them.
export default packageBuild();
