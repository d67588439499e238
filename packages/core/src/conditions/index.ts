export { evalCondition } from "./evalCondition.js";
export type { Attributes, Condition, SavedGroups } from "./types.js";
