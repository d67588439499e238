import * as z from "zod";

/** The `dashboard` option: `true` for `{ path: "/" }`, or where to serve it and from which folder. */
export type DashboardOption = boolean | { path?: string; assetsDir?: string };

/** The dashboard option once validated: its path below the mount, without a trailing slash ("/" at the root). */
export interface DashboardSettings {
  path: string;
  assetsDir: string | undefined;
}

/**
 * A dashboard path: slash-separated segments of URL-safe characters. `..` is refused
 * outright, and so are the API's namespaces, which the dashboard must never shadow.
 */
export const dashboardPathSchema = z
  .string()
  .regex(
    /^(?:\/|(?:\/[A-Za-z0-9._~-]+)+\/?)$/,
    'must start with "/" and hold only letters, digits, ".", "_", "~", "-" and single slashes',
  )
  .refine((path) => !path.includes("..") && !path.split("/").includes("."), {
    message: 'must not contain ".." or "." segments',
  })
  .transform((path) => (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path))
  .refine((path) => !isApiPath(path), {
    message: "must not be under /api/v1/ or /experiment/",
  });

/** The `dashboard` option as the handler's options schema reads it (off when absent). */
export const dashboardOptionSchema = z
  .union([
    z.boolean(),
    z.strictObject({
      path: dashboardPathSchema.default("/"),
      assetsDir: z.string().min(1).optional(),
    }),
  ])
  .default(false)
  .transform((value): DashboardSettings | null => {
    if (value === false) return null;
    if (value === true) return { path: "/", assetsDir: undefined };
    return { path: value.path, assetsDir: value.assetsDir };
  });

// --- Internal helpers ---

function isApiPath(path: string): boolean {
  const withSlash = `${path}/`;
  return withSlash.startsWith("/api/v1/") || withSlash.startsWith("/experiment/");
}
