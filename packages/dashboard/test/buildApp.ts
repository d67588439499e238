import { fileURLToPath } from "node:url";
import { build } from "vite";

/** Builds the app into static/ (about a second), so the tests serve what users get. */
export default async function buildApp(): Promise<void> {
  await build({
    configFile: fileURLToPath(new URL("../vite.config.ts", import.meta.url)),
    logLevel: "warn",
  });
}
