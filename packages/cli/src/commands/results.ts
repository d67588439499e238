import { createAbkit } from "@abkit/core";
import { helpOption, parseCommand, storeOption } from "../args.js";
import { type CliContext, EXISTING, printUsage, withStore } from "../context.js";
import { renderResults } from "../format/results.js";

/** `abkit results <experimentKey> [--project p] [--json]`. */
export async function resultsCommand(args: string[], ctx: CliContext): Promise<number> {
  const command = "results";
  const { values, positionals, help } = parseCommand(
    command,
    args,
    {
      ...helpOption,
      ...storeOption,
      project: { type: "string" },
      json: { type: "boolean" },
    },
    { positionals: ["experimentKey"] },
  );
  if (help) return printUsage(ctx, command);
  const experimentKey = positionals[0] ?? "";
  return withStore(
    ctx,
    values.store,
    async (store) => {
      const abkit = createAbkit({ store, project: values.project ?? "default" });
      try {
        const results = await abkit.results(experimentKey);
        if (values.json) {
          ctx.out(JSON.stringify(results, null, 2));
          return 0;
        }
        // The plan's daily users turn the users still needed into days.
        const experiment = await abkit.experiments.get(experimentKey);
        ctx.out(renderResults(results, { dailyUsers: experiment?.plan?.dailyUsers }));
        return 0;
      } finally {
        await abkit.close();
      }
    },
    EXISTING,
  );
}
