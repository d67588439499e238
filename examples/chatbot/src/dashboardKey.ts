import { readFileSync, writeFileSync } from "node:fs";
import { authenticateApiKey, createApiKey, isAbkitError, type Store } from "@abkit/core";

/** The name of the admin key `pnpm dashboard` signs in with. */
export const DASHBOARD_KEY_NAME = "dashboard (pnpm dashboard)";

/**
 * The admin key to sign in to the dashboard with: the one saved in `keyFile` while it still
 * works on this store, else a new one, saved there for the next run (readable by you only).
 * So running `pnpm dashboard` again, even after a failed start, makes no new key. The file
 * grants no more than the database file beside it: whoever reads one can read the other.
 *
 * @example
 * const { plaintext, created } = await dashboardKey(store, "abkit-demo.db.dashboard-key");
 */
export async function dashboardKey(
  store: Store,
  keyFile: string,
): Promise<{ plaintext: string; created: boolean }> {
  const saved = readSaved(keyFile);
  if (saved !== null) {
    try {
      const record = await authenticateApiKey(store, saved);
      if (record.scopes.includes("admin")) return { plaintext: saved, created: false };
    } catch (error) {
      // A revoked key, or one of another (recreated) database: make a new one.
      if (!isAbkitError(error) || error.code !== "unauthorized") throw error;
    }
  }
  // Earlier dashboard keys whose plaintext is gone can never be used again: revoke them.
  const now = new Date().toISOString();
  for (const key of await store.listApiKeys("default")) {
    if (key.name === DASHBOARD_KEY_NAME && key.revokedAt === null) {
      await store.revokeApiKey(key.id, now);
    }
  }
  const { plaintext } = await createApiKey(store, {
    organizationId: "default",
    projectId: "default",
    name: DASHBOARD_KEY_NAME,
    scopes: ["admin"],
  });
  writeFileSync(keyFile, `${plaintext}\n`, { mode: 0o600 });
  return { plaintext, created: true };
}

// --- Internal helpers ---

function readSaved(keyFile: string): string | null {
  try {
    return readFileSync(keyFile, "utf8").trim() || null;
  } catch {
    return null;
  }
}
