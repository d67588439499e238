export { dashboardAssetsDir, dashboardBuilt } from "@abkit/dashboard";
export type { DashboardOption } from "./dashboard/options.js";
export { dashboardPathSchema } from "./dashboard/options.js";
export { DASHBOARD_NOT_BUILT } from "./dashboard/page.js";
export type { HttpRequest, HttpResponse, JsonResponse, RawResponse } from "./exchange.js";
export { fromFetchRequest, toFetchResponse } from "./exchange.js";
export type { AbkitHandler, AbkitHttpOptions } from "./handler.js";
export { createAbkitHandler } from "./handler.js";
export { errorResponse } from "./httpError.js";
export type { JsonLoggerOptions, Logger, LogLevel } from "./logger.js";
export { jsonLogger, LOG_LEVELS } from "./logger.js";
export type { ServerLimits } from "./serverLimits.js";
export {
  applyServerLimits,
  clientErrorResponder,
  connectionsCheckingInterval,
  DEFAULT_SERVER_LIMITS,
} from "./serverLimits.js";
