/**
 * @abkit/cli: the `abkit` binary (`serve`, `keys`, `experiments`, `results`), and the pieces
 * it is built from for scripts that want them.
 */

export type { CliContext } from "./context.js";
export { renderResults } from "./format/results.js";
export { EXIT, processContext, runCli } from "./main.js";
export type { OpenStoreOptions } from "./openStore.js";
export { displayStoreUrl, openStore } from "./openStore.js";
export { DEFAULT_STORE_URL } from "./usage.js";
