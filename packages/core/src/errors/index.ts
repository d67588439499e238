export type { AbkitErrorOptions } from "./AbkitError.js";
export { AbkitError, isAbkitError } from "./AbkitError.js";
export { ConflictError } from "./ConflictError.js";
export type { ErrorCode } from "./codes.js";
export { ErrorCodes } from "./codes.js";
export { InvalidTransitionError } from "./InvalidTransitionError.js";
export { NotFoundError } from "./NotFoundError.js";
export { StoreUnavailableError } from "./StoreUnavailableError.js";
export { ValidationError } from "./ValidationError.js";
