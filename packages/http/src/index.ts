export type { AbkitHandler, AbkitHttpOptions } from "./handler.js";
export { createAbkitHandler } from "./handler.js";
export { errorResponse } from "./httpError.js";
