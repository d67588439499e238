import { StoreUnavailableError } from "@abkit/core";
import type { Redis } from "ioredis";
import { type Keys, keysFor } from "./keys.js";
import { type RunScript, registerScripts } from "./scripts.js";

/** The client, key names, scripts and the wait for readiness every store method runs through. */
export interface Connection {
  client: Redis;
  keys: Keys;
  script: RunScript;
  /**
   * Runs `work` once the client is ready: rejects with `store_unavailable` when the server
   * cannot be reached or does not answer within the timeout.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Disconnects the client if the store opened it (a client passed in stays the caller's). */
  close(): void;
}

export function createConnection(options: {
  client: Redis;
  ownsClient: boolean;
  prefix: string;
  timeoutMs: number;
}): Connection {
  const { client, ownsClient, timeoutMs } = options;
  let lastError: Error | null = null;
  // ioredis selects the URL's database on connect, but only reports a failed SELECT as an
  // "error" event and goes on in database 0: check it once per connection before any work.
  const database = Number(client.options.db ?? 0);
  let selected: Promise<void> | null = null;
  // Connection errors reach callers as store_unavailable (with this message); listening
  // also keeps ioredis from printing them as unhandled.
  client.on("error", (error: Error) => {
    lastError = error;
  });
  client.on("ready", () => {
    lastError = null;
    selected = null;
  });
  const script = registerScripts(client);
  return {
    client,
    keys: keysFor(options.prefix),
    script,
    async run(work) {
      if (client.status !== "ready") await whenReady(client, timeoutMs, () => lastError);
      if (database !== 0) {
        selected ??= selectDatabase(client, database, timeoutMs);
        await selected;
      }
      return withTimeout(work(), timeoutMs);
    },
    close() {
      if (ownsClient) client.disconnect();
    },
  };
}

// --- Internal helpers ---

function whenReady(client: Redis, timeoutMs: number, lastError: () => Error | null): Promise<void> {
  if (client.status === "wait") void client.connect().catch(() => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      const cause = lastError();
      const reason = cause ? `: ${cause.message}` : "";
      reject(
        new StoreUnavailableError("redis", `not connected after ${timeoutMs} ms${reason}`, cause),
      );
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}

/** SELECTs `database` again: it fails as ioredis's own did, or changes nothing. */
async function selectDatabase(client: Redis, database: number, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(client.select(database), timeoutMs);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StoreUnavailableError(
      "redis",
      `cannot use database ${database} (${reason}): the server has fewer databases ` +
        "(its `databases` setting) or allows only database 0; fix the /<db> of the URL",
      cause,
    );
  }
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError("redis", `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
