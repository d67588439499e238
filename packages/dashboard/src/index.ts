import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding the dashboard's built files (`index.html` and hashed `_abkit/` assets),
 * which `@abkit/http` serves. It is the same folder from the sources and from the package.
 */
export const dashboardAssetsDir: string = fileURLToPath(new URL("../static/", import.meta.url));

/** True when `dir` holds a built dashboard (`pnpm --filter @abkit/dashboard build` makes it). */
export function dashboardBuilt(dir: string = dashboardAssetsDir): boolean {
  return existsSync(join(dir, "index.html"));
}
