import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { runCli } from "@abkit/cli";

// `pnpm dashboard`: the demo's results in the browser. Serves the demo's SQLite file with
// `abkit serve`, after making an admin key to sign in with (only key hashes are stored, so
// an earlier run's key cannot be shown again).
const dbPath = resolve(process.env.ABKIT_DB ?? "abkit-demo.db");
if (!existsSync(dbPath)) {
  console.error(`No demo database at ${dbPath}: run \`npx pnpm@10 demo\` first.`);
  process.exit(1);
}
const store = `sqlite:${dbPath}`;
const name = "dashboard (pnpm dashboard)";
const created = await runCli([
  "keys",
  "create",
  "--store",
  store,
  "--scope",
  "admin",
  "--name",
  name,
]);
if (created !== 0) process.exit(created);
console.log("Sign in with that key on the page below; Ctrl-C stops the server.\n");
process.exitCode = await runCli(["serve", "--store", store, ...process.argv.slice(2)]);
