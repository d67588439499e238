import { abkitProject } from "../../vitest.shared.ts";

// Tests spawn the real binary (a server, SQLite files): give them room on a 2-core machine.
export default abkitProject("cli", { test: { testTimeout: 30_000, hookTimeout: 30_000 } });
