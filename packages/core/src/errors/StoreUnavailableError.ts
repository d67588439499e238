import { AbkitError } from "./AbkitError.js";

/** The store could not do what was asked: down, timed out, or failed. Nothing was acknowledged. */
export class StoreUnavailableError extends AbkitError {
  constructor(store: string, message: string, cause?: unknown) {
    super("store_unavailable", `${store} store: ${message}`, { details: { store }, cause });
  }
}
