import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { createAbkit, type LogRecord, NotFoundError } from "@abkit/core";
import { helpOption, parseChoice, parseCommand, storeOption, UsageError } from "../args.js";
import { type CliContext, EXISTING, printUsage, withStore } from "../context.js";

const FORMATS = ["jsonl"] as const;

/** The most logs the engine gives per page: fewer round trips to the store. */
const PAGE_SIZE = 500;

/** `abkit logs export`. */
export async function logsCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "export":
      return exportLogs(rest, ctx);
    case undefined:
      throw new UsageError("missing subcommand: export", "logs");
    case "--help":
    case "-h":
      return printUsage(ctx, "logs");
    default:
      throw new UsageError(`unknown subcommand "${sub}"`, "logs");
  }
}

/**
 * One exported line: a log without its store ids, `createdAt` as `timestamp`, with the entity
 * it served (null without one) and its scores, oldest first.
 */
export function logLine(log: LogRecord): string {
  return JSON.stringify({
    id: log.id,
    variant: log.variantKey,
    entityId: log.entityId ?? null,
    input: log.input,
    output: log.output,
    metrics: log.metrics,
    context: log.context,
    scores: (log.scores ?? []).map((score) => ({
      name: score.name,
      value: score.value,
      source: score.source,
      key: score.key,
      timestamp: score.createdAt,
    })),
    timestamp: log.createdAt,
  });
}

// --- Internal helpers ---

async function exportLogs(args: string[], ctx: CliContext): Promise<number> {
  const command = "logs export";
  const { values, positionals, help } = parseCommand(
    command,
    args,
    {
      ...helpOption,
      ...storeOption,
      format: { type: "string" },
      project: { type: "string" },
      variant: { type: "string" },
      out: { type: "string" },
    },
    { positionals: ["experimentKey"] },
  );
  if (help) return printUsage(ctx, command);
  if (values.format === undefined) throw new UsageError("missing --format jsonl", command);
  parseChoice(values.format, FORMATS, "--format", command);
  const experimentKey = positionals[0] ?? "";
  return withStore(
    ctx,
    values.store,
    async (store) => {
      const abkit = createAbkit({ store, project: values.project ?? "default" });
      try {
        // Reading the experiment first makes an unknown key an error before any file is made.
        const experiment = await abkit.experiments.get(experimentKey);
        if (!experiment) throw new NotFoundError("experiment", experimentKey);
        const variants = experiment.variants.map((variant) => variant.key);
        if (values.variant !== undefined && !variants.includes(values.variant)) {
          throw new UsageError(
            `--variant "${values.variant}" is not a variant of "${experimentKey}" (variants: ${variants.join(", ")})`,
            command,
          );
        }
        const sink = values.out === undefined ? stdoutSink(ctx) : fileSink(values.out);
        let count = 0;
        try {
          let cursor: string | undefined;
          do {
            const page = await abkit.logs(experimentKey, {
              limit: PAGE_SIZE,
              ...(cursor === undefined ? {} : { cursor }),
            });
            for (const log of page.logs) {
              if (values.variant !== undefined && log.variantKey !== values.variant) continue;
              await sink.write(logLine(log));
              count += 1;
            }
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
        } finally {
          await sink.close();
        }
        if (values.out !== undefined) ctx.err(`Exported ${count} logs to ${values.out}.`);
        return 0;
      } finally {
        await abkit.close();
      }
    },
    EXISTING,
  );
}

interface LineSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

function stdoutSink(ctx: CliContext): LineSink {
  return {
    write: async (line) => ctx.out(line),
    close: async () => {},
  };
}

function fileSink(path: string): LineSink {
  const stream: WriteStream = createWriteStream(path);
  const failed = once(stream, "error").then(([error]) => {
    throw error;
  });
  failed.catch(() => {}); // observed through the races below
  return {
    async write(line) {
      // Waits for the file to drain when its buffer is full, so memory stays flat.
      if (!stream.write(`${line}\n`)) await Promise.race([once(stream, "drain"), failed]);
    },
    async close() {
      stream.end();
      await Promise.race([once(stream, "finish"), failed]);
    },
  };
}
