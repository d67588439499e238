export { AbkitProvider, type AbkitProviderOptions } from "./AbkitProvider.js";
export { type RequestedType, resolveFlag } from "./resolve.js";
