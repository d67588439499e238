export { assertFrozenFieldsKept, FROZEN_FIELDS } from "./frozenFields.js";
export type { LifecycleAction } from "./transitions.js";
export { nextStatus, TRANSITIONS } from "./transitions.js";
