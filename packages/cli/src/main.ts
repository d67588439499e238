import { createRequire } from "node:module";
import { isAbkitError } from "@abkit/core";
import { UsageError } from "./args.js";
import { experimentsCommand } from "./commands/experiments.js";
import { gateCommand } from "./commands/gate.js";
import { keysCommand } from "./commands/keys.js";
import { logsCommand } from "./commands/logs.js";
import { planCommand } from "./commands/plan.js";
import { resultsCommand } from "./commands/results.js";
import type { CliContext } from "./context.js";
import { describeListenError } from "./listenError.js";
import { USAGE } from "./usage.js";

/**
 * Exit codes: 0 done, 1 the command failed (an abkit or other error), 2 a usage error.
 * `abkit gate` has its own (see `GATE_ERROR_EXIT`): its 1 and 2 are decisions.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Runs the `abkit` command line `args` (without `node` and the script) and resolves with the
 * exit code; errors are printed, never thrown. `serve` resolves only after a signal stops it.
 *
 * @example
 * const code = await runCli(["keys", "list", "--store", "sqlite:./abkit.db"]);
 * process.exitCode = code;
 */
export async function runCli(args: string[], ctx: CliContext = processContext()): Promise<number> {
  try {
    return await dispatch(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.err(`error: ${error.message}\n`);
      ctx.err(USAGE[error.command ?? ""] ?? USAGE[""] ?? "");
      return EXIT.usage;
    }
    if (isAbkitError(error)) {
      ctx.err(`error [${error.code}]: ${error.message}`);
      return EXIT.failed;
    }
    const listen = describeListenError(error);
    ctx.err(`error: ${listen ?? (error instanceof Error ? error.message : String(error))}`);
    return EXIT.failed;
  }
}

/** A context on the process's own streams and environment. */
export function processContext(): CliContext {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
  };
}

// --- Internal helpers ---

async function dispatch(args: string[], ctx: CliContext): Promise<number> {
  // `pnpm start -- serve` passes the `--` on: skip it.
  const [command, ...rest] = args[0] === "--" ? args.slice(1) : args;
  switch (command) {
    case "serve": {
      // Loaded on demand: Fastify and the HTTP API are only needed to serve.
      const { serveCommand } = await import("./commands/serve.js");
      return serveCommand(rest, ctx);
    }
    case "keys":
      return keysCommand(rest, ctx);
    case "experiments":
      return experimentsCommand(rest, ctx);
    case "results":
      return resultsCommand(rest, ctx);
    case "plan":
      return planCommand(rest, ctx);
    case "gate":
      return gateCommand(rest, ctx);
    case "logs":
      return logsCommand(rest, ctx);
    case "help":
    case "--help":
    case "-h":
      ctx.out(USAGE[rest[0] ?? ""] ?? USAGE[""] ?? "");
      return EXIT.ok;
    case "--version":
    case "-v":
      ctx.out(version());
      return EXIT.ok;
    case undefined:
      throw new UsageError("missing command");
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function version(): string {
  // src/ and dist/ both sit one level below the package root.
  const pkg = createRequire(import.meta.url)("../package.json") as { version: string };
  return pkg.version;
}
