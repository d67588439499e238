import { AbkitError, type ApiKeyScope, createApiKey } from "@abkit/core";
import { helpOption, parseChoice, parseCommand, storeOption, UsageError } from "../args.js";
import { type CliContext, EXISTING, printUsage, withStore } from "../context.js";
import { formatTime, renderTable } from "../format/table.js";

const SCOPES: readonly ApiKeyScope[] = ["sdk", "admin"];

/** `abkit keys create|list|revoke`. */
export async function keysCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "create":
      return createKey(rest, ctx);
    case "list":
      return listKeys(rest, ctx);
    case "revoke":
      return revokeKey(rest, ctx);
    case undefined:
      throw new UsageError("missing subcommand: create, list or revoke", "keys");
    case "--help":
    case "-h":
      return printUsage(ctx, "keys");
    default:
      throw new UsageError(`unknown subcommand "${sub}"`, "keys");
  }
}

/**
 * Prints a new key's plaintext between blank lines, with the warning that it is shown once.
 * `serve` uses it for the admin key it creates on an empty store.
 */
export function printPlaintext(ctx: CliContext, plaintext: string): void {
  ctx.out(`\n    ${plaintext}\n`);
  ctx.out("Save it now; it is not shown again (only its hash is stored).");
}

// --- Internal helpers ---

async function createKey(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys create";
  const { values, help } = parseCommand(command, args, {
    ...helpOption,
    ...storeOption,
    name: { type: "string" },
    scope: { type: "string" },
    project: { type: "string" },
    org: { type: "string" },
  });
  if (help) return printUsage(ctx, command);
  const scope = parseChoice(values.scope ?? "sdk", SCOPES, "--scope", command);
  return withStore(ctx, values.store, async (store) => {
    const { record, plaintext } = await createApiKey(store, {
      organizationId: values.org ?? "default",
      projectId: values.project ?? "default",
      name: values.name ?? "",
      scopes: [scope],
    });
    ctx.out(
      `Created ${scope} API key ${record.id}${record.name ? ` "${record.name}"` : ""} ` +
        `for organization "${record.organizationId}", project "${record.projectId}":`,
    );
    printPlaintext(ctx, plaintext);
    return 0;
  });
}

async function listKeys(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys list";
  const { values, help } = parseCommand(command, args, {
    ...helpOption,
    ...storeOption,
    org: { type: "string" },
  });
  if (help) return printUsage(ctx, command);
  const org = values.org ?? "default";
  return withStore(
    ctx,
    values.store,
    async (store) => {
      const keys = await store.listApiKeys(org);
      if (keys.length === 0) {
        ctx.out(`No API keys in organization "${org}". Create one with: abkit keys create`);
        return 0;
      }
      // Only what identifies a key: never its hash (the plaintext is not stored at all).
      const rows = keys.map((key) => [
        key.id,
        `${key.prefix}...`,
        key.name || "-",
        key.scopes.join(","),
        key.projectId,
        formatTime(key.createdAt),
        key.revokedAt === null ? "no" : `yes, ${formatTime(key.revokedAt)}`,
      ]);
      const headers = ["ID", "PREFIX", "NAME", "SCOPES", "PROJECT", "CREATED", "REVOKED"];
      ctx.out(
        renderTable(
          headers.map((header) => ({ header })),
          rows,
        ),
      );
      return 0;
    },
    EXISTING,
  );
}

async function revokeKey(args: string[], ctx: CliContext): Promise<number> {
  const command = "keys revoke";
  const { values, positionals, help } = parseCommand(
    command,
    args,
    { ...helpOption, ...storeOption },
    { positionals: ["id"] },
  );
  if (help) return printUsage(ctx, command);
  const id = positionals[0] ?? "";
  return withStore(
    ctx,
    values.store,
    async (store) => {
      const found = await store.revokeApiKey(id, new Date().toISOString());
      if (!found) {
        throw new AbkitError("not_found", `API key "${id}" not found`, {
          details: { kind: "api key", key: id },
        });
      }
      ctx.out(`Revoked API key ${id}: requests with it are refused from now on.`);
      return 0;
    },
    EXISTING,
  );
}
