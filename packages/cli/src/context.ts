import type { Store } from "@abkit/core";
import { openStore } from "./openStore.js";
import { DEFAULT_STORE_URL, USAGE } from "./usage.js";

/** Where a command writes and what it reads from its environment. */
export interface CliContext {
  /** Writes a line (or several) to standard output. */
  out(text: string): void;
  /** Writes a line (or several) to standard error. */
  err(text: string): void;
  /** Environment variables (`ABKIT_STORE`). */
  env: Record<string, string | undefined>;
}

/** The store URL a command uses: `--store`, else `ABKIT_STORE`, else `sqlite:./abkit.db`. */
export function storeUrl(ctx: CliContext, option: string | undefined): string {
  return option ?? (ctx.env.ABKIT_STORE || DEFAULT_STORE_URL);
}

/**
 * Opens the store, runs `work` with it, and closes it whatever happens. Commands that only
 * read, or change what must already be there, pass `{ mustExist: true }`: a missing SQLite
 * file is then an error, never created.
 */
export async function withStore<T>(
  ctx: CliContext,
  option: string | undefined,
  work: (store: Store) => Promise<T>,
  options: { mustExist?: boolean } = {},
): Promise<T> {
  const store = await openStore(storeUrl(ctx, option), options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** `withStore`'s options for commands that read (or revoke): never create a store. */
export const EXISTING = { mustExist: true } as const;

/** Prints a command's usage to standard output (for `--help`); returns exit code 0. */
export function printUsage(ctx: CliContext, command: string): number {
  ctx.out(USAGE[command] ?? USAGE[""] ?? "");
  return 0;
}
