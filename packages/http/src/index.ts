export type { HttpRequest, HttpResponse } from "./exchange.js";
export { fromFetchRequest, toFetchResponse } from "./exchange.js";
export type { AbkitHandler, AbkitHttpOptions } from "./handler.js";
export { createAbkitHandler } from "./handler.js";
export { errorResponse } from "./httpError.js";
