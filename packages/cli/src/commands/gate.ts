import { createAbkit, isAbkitError } from "@abkit/core";
import { helpOption, parseCommand, storeOption, UsageError } from "../args.js";
import { type CliContext, EXISTING, printUsage, withStore } from "../context.js";
import { decideGate } from "../gate/decide.js";
import { fetchResults } from "../gate/fetchResults.js";
import type { GateResults } from "../gate/gateResults.js";
import { loadPolicy, PolicyError } from "../gate/policy.js";
import { renderGate } from "../gate/render.js";
import { USAGE } from "../usage.js";

/**
 * Exit codes of `abkit gate` when it cannot decide, kept apart from its decisions (0 pass,
 * 1 fail, 2 inconclusive): 64 (EX_USAGE) for a wrong command line or policy, 3 when the
 * results cannot be read (store, HTTP, unknown experiment).
 */
export const GATE_ERROR_EXIT = { usage: 64, failed: 3 } as const;

const command = "gate";

/**
 * `abkit gate <experimentKey> --policy <file> (--store <url> | --url <base> --key <key>)
 * [--project p] [--json]`: a CI check that exits 0, 1 or 2 by the policy's decision.
 */
export async function gateCommand(args: string[], ctx: CliContext): Promise<number> {
  try {
    return await gate(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.err(`error: ${error.message}\n`);
      ctx.err(USAGE[command] ?? "");
      return GATE_ERROR_EXIT.usage;
    }
    if (error instanceof PolicyError) {
      ctx.err(`error: ${error.message}`);
      return GATE_ERROR_EXIT.usage;
    }
    if (isAbkitError(error)) {
      ctx.err(`error [${error.code}]: ${error.message}`);
      return GATE_ERROR_EXIT.failed;
    }
    ctx.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return GATE_ERROR_EXIT.failed;
  }
}

// --- Internal helpers ---

async function gate(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    command,
    args,
    {
      ...helpOption,
      ...storeOption,
      policy: { type: "string" },
      url: { type: "string" },
      key: { type: "string" },
      project: { type: "string" },
      json: { type: "boolean" },
    },
    { positionals: ["experimentKey"] },
  );
  if (help) return printUsage(ctx, command);
  const experimentKey = positionals[0] ?? "";
  if (values.policy === undefined) throw new UsageError("missing --policy <file>", command);
  if (values.url !== undefined && values.store !== undefined) {
    throw new UsageError("give --store or --url, not both", command);
  }
  const apiKey = values.key ?? ctx.env.ABKIT_API_KEY;
  if (values.url !== undefined && !apiKey) {
    throw new UsageError("--url needs an admin key: --key <key> or ABKIT_API_KEY", command);
  }
  if (values.url !== undefined && !isHttpUrl(values.url)) {
    throw new UsageError(
      `--url must be a base URL such as http://127.0.0.1:3000 (got "${values.url}")`,
      command,
    );
  }
  if (values.url === undefined && values.key !== undefined) {
    throw new UsageError("--key goes with --url", command);
  }
  // The policy first: a broken policy is reported without touching the store or network.
  const policy = await loadPolicy(values.policy);
  const results: GateResults =
    values.url !== undefined
      ? await fetchResults({
          baseUrl: values.url,
          apiKey: apiKey ?? "",
          experimentKey,
          project: values.project,
        })
      : await withStore(
          ctx,
          values.store,
          async (store) => {
            const abkit = createAbkit({ store, project: values.project ?? "default" });
            try {
              return await abkit.results(experimentKey);
            } finally {
              await abkit.close();
            }
          },
          EXISTING,
        );
  const decision = decideGate(results, policy);
  ctx.out(values.json ? JSON.stringify(decision, null, 2) : renderGate(experimentKey, decision));
  return decision.exitCode;
}

function isHttpUrl(value: string): boolean {
  const protocol = URL.canParse(value) ? new URL(value).protocol : "";
  return protocol === "http:" || protocol === "https:";
}
