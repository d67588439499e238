import { abkitProject } from "../../vitest.shared.ts";

// The cluster tests share one Redis Cluster that globalSetup starts (and stops) per run.
export default abkitProject("redis", { test: { globalSetup: ["test/cluster/globalSetup.ts"] } });
