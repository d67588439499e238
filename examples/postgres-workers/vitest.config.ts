import { abkitProject } from "../../vitest.shared.ts";

export default abkitProject("example-postgres-workers", { test: { testTimeout: 60_000 } });
