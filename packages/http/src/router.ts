import type { HttpResponse } from "./exchange.js";
import { requestError } from "./httpError.js";

/** A route handler: gets the request and its path parameters, returns a response. */
export type RouteHandler<C> = (context: C, params: Record<string, string>) => Promise<HttpResponse>;

interface Route<C> {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler<C>;
}

/** A small method + path router: `/api/v1/flags/:flagId/experiments/:id`. */
export class Router<C> {
  private readonly routes: Route<C>[] = [];

  add(method: string, path: string, handler: RouteHandler<C>): this {
    const names: string[] = [];
    const source = path
      .split("/")
      .map((part) => {
        if (!part.startsWith(":")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(part.slice(1));
        return "([^/]+)";
      })
      .join("/");
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** The handler for a request, `"method"` when only the method is wrong, or null. */
  match(
    method: string,
    path: string,
  ): { handler: RouteHandler<C>; params: Record<string, string> } | "method" | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodeParam(found[index + 1] ?? "");
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? "method" : null;
  }
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw requestError("malformed_request", `"${raw}" is not a valid URL path segment`);
  }
}
