export { evalCondition } from "./evalCondition.js";
export type { ValueOperator } from "./operatorNames.js";
export { LOGICAL_OPERATORS, VALUE_OPERATORS } from "./operatorNames.js";
export type { Attributes, Condition, SavedGroups } from "./types.js";
export type { ConditionCheckOptions, ConditionIssue } from "./validate.js";
export { conditionIssues, MAX_CONDITION_DEPTH } from "./validate.js";
