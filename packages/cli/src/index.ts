/**
 * @abkit/cli: the `abkit` binary (`serve`, `keys`, `experiments`, `results`,
 * `plan`, `gate`, `logs export`), and the pieces
 * it is built from for scripts that want them.
 */

export { GATE_ERROR_EXIT } from "./commands/gate.js";
export type { CliContext } from "./context.js";
export { renderResults } from "./format/results.js";
export type { GateDecision, GateNumbers, TreatmentNumbers } from "./gate/decide.js";
export { decideGate, GATE_EXIT } from "./gate/decide.js";
export type { GateResults } from "./gate/gateResults.js";
export type { GatePolicy } from "./gate/policy.js";
export { gatePolicySchema, PolicyError, parsePolicy } from "./gate/policy.js";
export { EXIT, processContext, runCli } from "./main.js";
export type { OpenStoreOptions } from "./openStore.js";
export { displayStoreUrl, openStore } from "./openStore.js";
export { DEFAULT_STORE_URL } from "./usage.js";
