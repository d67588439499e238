#!/usr/bin/env node
// The `abkit` bin. A published package runs its build (dist/); a checkout of the repository
// runs the TypeScript source through tsx, so `pnpm exec abkit` works in a fresh clone with no
// build step, and never runs a stale or half-built dist (each workspace package has its own).
import { existsSync } from "node:fs";
import { register } from "node:module";

// Only a checkout has the build config: the published package ships dist/ and src/ alone.
const checkout = existsSync(new URL("../tsup.config.ts", import.meta.url));

if (checkout) {
  // Workspace packages resolve to their sources through this export condition (as in tests).
  register(
    "data:text/javascript,export function resolve(s,c,n){" +
      "return n(s,{...c,conditions:[...c.conditions,'@abkit/source']})}",
  );
  const tsx = await import("tsx/esm/api").catch(() => null);
  if (tsx === null) {
    process.stderr.write("error: abkit from source needs tsx: run `pnpm install` first\n");
    process.exit(1);
  }
  tsx.register();
  await import("../src/cli.ts");
} else {
  await import("../dist/cli.js");
}
