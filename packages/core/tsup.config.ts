import { packageBuild } from "../../tsup.shared.ts";

// Two entries, two subpaths: "@abkit/core" (dist/index.js) and "@abkit/core/stats"
// (dist/stats/index.js); the code both use goes into shared chunks, loaded once.
export default packageBuild({ entry: ["src/index.ts", "src/stats/index.ts"] });
