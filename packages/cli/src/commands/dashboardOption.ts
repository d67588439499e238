import { dashboardPathSchema } from "@abkit/http";
import { UsageError } from "../args.js";

/** `serve`'s dashboard flags, as the HTTP API's `dashboard` option: its path, or false when off. */
export function parseDashboardFlags(
  values: { "dashboard-path"?: string; "no-dashboard"?: boolean },
  command: string,
): { path: string } | false {
  const path = values["dashboard-path"];
  if (values["no-dashboard"]) {
    if (path !== undefined) {
      throw new UsageError("--dashboard-path and --no-dashboard cannot be used together", command);
    }
    return false;
  }
  const parsed = dashboardPathSchema.safeParse(path ?? "/");
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? "is not a valid path";
    throw new UsageError(`--dashboard-path ${reason} (got "${path}")`, command);
  }
  return { path: parsed.data };
}

/** The page's URL on a server at `origin` (`http://127.0.0.1:3000`): always the slash form. */
export function dashboardUrl(origin: string, path: string): string {
  return `${origin}${path === "/" ? "/" : `${path}/`}`;
}
