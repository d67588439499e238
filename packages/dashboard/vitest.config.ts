import { abkitProject } from "../../vitest.shared.ts";

// The browser tests drive the built page, so the app is built once before them.
export default abkitProject("dashboard", {
  test: { globalSetup: ["test/buildApp.ts"], testTimeout: 60_000, hookTimeout: 120_000 },
});
