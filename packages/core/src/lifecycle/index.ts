export { assertFrozenFieldsKept, FROZEN_FIELDS } from "./frozenFields.js";
export type { LifecycleAction } from "./transitions.js";
export { assertShippable, nextStatus, SHIPPABLE_FROM, TRANSITIONS } from "./transitions.js";
