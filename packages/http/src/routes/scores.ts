import { MAX_SCORE_BATCH, type ScoreInput } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { Router } from "../router.js";
import { bodyAs, engineInputSchema, json } from "./shared.js";

/**
 * Scores on execution logs (docs/http.md), with the log route's key scope (`sdk`): one score
 * on a log named in the path, or a batch. Only logs of the experiment in the path are
 * scored; a log of another experiment is 404, as an unknown one.
 */
export function scoreRoutes(router: Router<RequestContext>): void {
  router.add(
    "POST",
    "/experiment/:slug/log/:logId/score",
    async (ctx, { slug = "", logId = "" }) => {
      const auth = await ctx.authorize("sdk");
      // The engine checks the score, so its errors name fields as `abkit.score`'s do.
      const body = await bodyAs(ctx, engineInputSchema<Omit<ScoreInput, "logId">>(), "score");
      const abkit = await auth.project();
      const result = await abkit.score({ ...body, logId }, { experimentKey: slug });
      return json({ success: true, ...result });
    },
  );

  router.add("POST", "/experiment/:slug/scores", async (ctx, { slug = "" }) => {
    const auth = await ctx.authorize("sdk");
    const body = await bodyAs(ctx, batchSchema, "scores request");
    const abkit = await auth.project();
    const scores = await abkit.scoreBatch(body.scores, { experimentKey: slug });
    return json({ success: true, scores });
  });
}

// --- Internal helpers ---

const batchSchema = z.strictObject({
  scores: z
    .array(z.custom<ScoreInput>())
    .max(MAX_SCORE_BATCH, `at most ${MAX_SCORE_BATCH} scores per request`),
});
