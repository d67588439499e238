import { AbkitError } from "./AbkitError.js";

/** The thing named does not exist in the caller's project (other projects are invisible). */
export class NotFoundError extends AbkitError {
  constructor(kind: string, key: string) {
    super("not_found", `${kind} "${key}" not found`, { details: { kind, key } });
  }
}
