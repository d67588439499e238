import { StoreUnavailableError } from "@abkit/core";
import type { Redis } from "ioredis";
import { isCluster, type RedisClient } from "./clients.js";
import { type Keys, keysFor } from "./keys.js";
import { type ReplicaWait, writeAndWait } from "./replicas.js";
import { type RunScript, registerScripts } from "./scripts.js";

/** The client, key names, scripts and the wait for readiness every store method runs through. */
export interface Connection {
  client: RedisClient;
  keys: Keys;
  script: RunScript;
  /** Runs one write command that is not a script (followed by WAIT when asked for). */
  write(command: string, args: (string | number)[]): Promise<unknown>;
  /**
   * Runs `work` once the client is ready: rejects with `store_unavailable` when the server
   * cannot be reached or does not answer within the timeout.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Disconnects the client if the store opened it (a client passed in stays the caller's). */
  close(): void;
}

export function createConnection(options: {
  client: RedisClient;
  ownsClient: boolean;
  prefix: string;
  timeoutMs: number;
  /** WAIT for this many replicas after each write; null for none. */
  wait: ReplicaWait | null;
}): Connection {
  const { client, ownsClient, timeoutMs, wait } = options;
  let lastError: Error | null = null;
  // ioredis selects the URL's database on connect, but only reports a failed SELECT as an
  // "error" event and goes on in database 0: check it once per connection before any work.
  // A cluster has database 0 only.
  const database = isCluster(client) ? 0 : Number(client.options.db ?? 0);
  let selected: Promise<void> | null = null;
  // Connection errors reach callers as store_unavailable (with this message); listening
  // also keeps ioredis from printing them as unhandled.
  const remember = (error: Error) => {
    lastError = error;
  };
  client.on("error", remember);
  // A cluster reports each node's connection errors apart.
  if (isCluster(client)) client.on("node error", remember);
  client.on("ready", () => {
    lastError = null;
    selected = null;
  });
  // One listener for every call waiting on the next "ready", however many there are.
  let nextReady: Promise<void> | null = null;
  const readySoon = () =>
    (nextReady ??= new Promise<void>((resolve) => {
      client.once("ready", () => {
        nextReady = null;
        resolve();
      });
    }));
  return {
    client,
    keys: keysFor(options.prefix),
    script: registerScripts(client, wait),
    write: (command, args) =>
      wait === null ? client.call(command, ...args) : writeAndWait(client, wait, { command, args }),
    async run(work) {
      if (client.status !== "ready") {
        await whenReady(client, readySoon(), timeoutMs, () => lastError);
      }
      if (database !== 0 && !isCluster(client)) {
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

function whenReady(
  client: RedisClient,
  ready: Promise<void>,
  timeoutMs: number,
  lastError: () => Error | null,
): Promise<void> {
  if (client.status === "wait") void client.connect().catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = lastError();
      const reason = cause ? `: ${cause.message}` : "";
      reject(
        new StoreUnavailableError("redis", `not connected after ${timeoutMs} ms${reason}`, cause),
      );
    }, timeoutMs);
  });
  return Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
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
