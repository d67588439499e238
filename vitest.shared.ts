import { defineProject, mergeConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "@abkit/source"
// export condition, so `pnpm test` runs from a fresh clone with no build step first.
// Only ours and "node": vite adds import/require itself, and these may reach Node's own
// resolver too, where an extra "import" would hand ESM files to require().
const conditions = ["@abkit/source", "node"];

/** The vitest project config every package and example shares; pass its name. */
export function abkitProject(name: string, overrides: Parameters<typeof defineProject>[0] = {}) {
  return mergeConfig(
    defineProject({
      resolve: { conditions },
      ssr: { resolve: { conditions } },
      test: { name, include: ["test/**/*.test.ts"] },
    }),
    overrides,
  );
}
