import { parseArgs } from "node:util";

/** A command line that does not parse: the CLI prints the command's usage and exits 2. */
export class UsageError extends Error {
  /** The command whose usage to print (`keys create`), or undefined for the top level. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/** Options every store-backed command accepts. */
export const storeOption = { store: { type: "string" } } as const;

/** Options every command accepts. */
export const helpOption = { help: { type: "boolean", short: "h" } } as const;

/** An option of `parseCommand`: a string (`--name value`) or a boolean flag. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
}

/** The values of parsed options: strings, booleans, or undefined when absent. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string;
};

/** What `parseCommand` returns; `help` is true when `--help` was given. */
export interface ParsedCommand<O extends Record<string, OptionSpec>> {
  values: OptionValues<O>;
  positionals: string[];
  help: boolean;
}

/**
 * `node:util` `parseArgs` in strict mode, with its errors turned into `UsageError`s of
 * `command`, and a check of how many positional arguments were given.
 *
 * @example
 * const { values, positionals } = parseCommand("keys revoke", argv, {}, { positionals: ["id"] });
 */
export function parseCommand<const O extends Record<string, OptionSpec>>(
  command: string,
  args: string[],
  options: O,
  expected: { positionals?: string[] } = {},
): ParsedCommand<O> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error), command);
  }
  const values = parsed.values as OptionValues<O>;
  const names = expected.positionals ?? [];
  const { positionals } = parsed;
  if (parsed.values.help === true) return { values, positionals, help: true };
  if (positionals.length < names.length) {
    throw new UsageError(`missing <${names[positionals.length]}>`, command);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument "${positionals[names.length]}"`, command);
  }
  return { values, positionals, help: false };
}

/** Parses a TCP port: an integer from 0 (any free port) to 65535. */
export function parsePort(value: string, command: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535 (got "${value}")`, command);
  }
  return port;
}

/** Checks that `value` is one of `allowed`, naming the option otherwise. */
export function parseChoice<const T extends string>(
  value: string,
  allowed: readonly T[],
  option: string,
  command: string,
): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(", ")} (got "${value}")`, command);
}

// --- Internal helpers ---

function parseArgsMessage(error: unknown): string {
  // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes and a readable message.
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\. To specify a positional argument starting with a '-'.*$/s, "");
}
