import { createAbkit, type ExperimentStatus } from "@abkit/core";
import { helpOption, parseChoice, parseCommand, storeOption, UsageError } from "../args.js";
import { type CliContext, EXISTING, printUsage, withStore } from "../context.js";
import { formatNumber } from "../format/numbers.js";
import { formatTime, renderTable } from "../format/table.js";

const STATUSES: readonly ExperimentStatus[] = ["draft", "running", "stopped", "shipped"];

/** `abkit experiments list`. */
export async function experimentsCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "--help" || sub === "-h") return printUsage(ctx, "experiments");
  if (sub === undefined) throw new UsageError("missing subcommand: list", "experiments");
  if (sub !== "list") throw new UsageError(`unknown subcommand "${sub}"`, "experiments");

  const command = "experiments list";
  const { values, help } = parseCommand(command, rest, {
    ...helpOption,
    ...storeOption,
    project: { type: "string" },
    status: { type: "string" },
  });
  if (help) return printUsage(ctx, command);
  const status =
    values.status === undefined
      ? undefined
      : parseChoice(values.status, STATUSES, "--status", command);
  const project = values.project ?? "default";
  return withStore(
    ctx,
    values.store,
    async (store) => {
      const abkit = createAbkit({ store, project });
      try {
        const experiments = await abkit.experiments.list(status ? { status } : {});
        if (experiments.length === 0) {
          const which = status ? `${status} experiments` : "experiments";
          ctx.out(`No ${which} in project "${project}".`);
          return 0;
        }
        const rows = experiments.map((experiment) => [
          experiment.key,
          experiment.status,
          experiment.variants
            .map((variant) => `${variant.key} ${formatNumber(variant.weight)}%`)
            .join(", "),
          formatTime(experiment.startedAt),
        ]);
        const headers = ["KEY", "STATUS", "VARIANTS", "STARTED"];
        ctx.out(
          renderTable(
            headers.map((header) => ({ header })),
            rows,
          ),
        );
        return 0;
      } finally {
        await abkit.close();
      }
    },
    EXISTING,
  );
}
