import type { ApiKeyRecord } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { Router } from "../router.js";
import { bodyAs, json } from "./shared.js";

const createKeySchema = z.strictObject({
  name: z.string().max(200).default(""),
  scopes: z
    .array(z.enum(["sdk", "admin"]))
    .min(1)
    .default(["sdk"]),
  projectId: z.string().optional(),
});

/** API keys of the caller's organization: create (plaintext once), list, revoke; and the caller's own. */
export function keyRoutes(router: Router<RequestContext>): void {
  // Any live key may read itself: the dashboard signs in with it. Added before the `:id`
  // routes so "current" is never taken for an id.
  router.add("GET", "/api/v1/keys/current", async (ctx) => {
    const { key } = await ctx.authorize("sdk");
    return json({ key: keyJson(key) });
  });

  router.add("GET", "/api/v1/keys", async (ctx) => {
    const { key, project } = await ctx.authorize("admin");
    // The key's own project: listing never depends on the project a header names.
    const abkit = await project(key.projectId);
    return json({ keys: (await abkit.keys.list(key.organizationId)).map(keyJson) });
  });

  router.add("POST", "/api/v1/keys", async (ctx) => {
    const auth = await ctx.authorize("admin");
    const body = await bodyAs(ctx, createKeySchema, "API key");
    // Resolving the project checks it belongs to the caller's organization.
    const abkit = await auth.project(body.projectId);
    const created = await abkit.keys.create({
      organizationId: auth.key.organizationId,
      name: body.name,
      scopes: body.scopes,
    });
    return json({ key: keyJson(created.record), plaintext: created.plaintext }, 201);
  });

  router.add("DELETE", "/api/v1/keys/:id", async (ctx, { id = "" }) => {
    const { key, project } = await ctx.authorize("admin");
    const abkit = await project(key.projectId);
    await abkit.keys.revoke(key.organizationId, id);
    return json({ revoked: true });
  });
}

/** A key as the API shows it: never its hash. */
function keyJson(record: ApiKeyRecord) {
  const { hash: _, ...shown } = record;
  return shown;
}
