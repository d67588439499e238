import { createHash } from "node:crypto";
import { StoreUnavailableError } from "@abkit/core";
import type { ChainableCommander } from "ioredis";
import { isCluster, type RedisClient } from "./clients.js";

/** How many replicas must hold a write before the store acknowledges it, and for how long to wait. */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/** One write command, as the server receives it: `EVALSHA`/`EVAL` of a script, or `HSETNX`. */
export type WriteCommand =
  | { script: { lua: string; sha: string }; keys: string[]; args: (string | number)[] }
  | { command: string; args: (string | number)[] };

/**
 * Runs a write and `WAIT replicas timeout` in one pipeline, so both reach the same node on
 * the same connection (WAIT counts the replicas holding that connection's last write). The
 * write's reply comes back once enough replicas have it; fewer within the timeout rejects
 * with `store_unavailable`, the write then in doubt (applied on the master, perhaps lost
 * if it fails now).
 *
 * Replies meaning "not run" are retried a few times: NOSCRIPT (the script's source is sent
 * instead of its SHA), and on a cluster MOVED, ASK, TRYAGAIN and CLUSTERDOWN (after the
 * slot map is refreshed). A closed connection is reported, never retried: the write may
 * have run.
 *
 * @example
 * await writeAndWait(client, { replicas: 1, timeoutMs: 1000 }, { command: "hsetnx", args });
 */
export async function writeAndWait(
  client: RedisClient,
  wait: ReplicaWait,
  write: WriteCommand,
): Promise<unknown> {
  let sendSource = false;
  for (let attempt = 1; ; attempt++) {
    const pipeline = client.pipeline();
    queueWrite(pipeline, write, sendSource);
    pipeline.wait(wait.replicas, wait.timeoutMs);
    const replies = (await pipeline.exec()) ?? [];
    const [writeError, reply] = replies[0] ?? [new Error("no reply to the write")];
    const [waitError, acknowledged] = replies[1] ?? [new Error("no reply to WAIT")];
    if (writeError) {
      const kind = writeError.message.split(" ")[0] ?? "";
      if (attempt >= MAX_ATTEMPTS || !(kind === "NOSCRIPT" || NOT_RUN.has(kind))) throw writeError;
      if (kind === "NOSCRIPT") sendSource = true;
      else await refreshSlots(client);
      continue;
    }
    if (waitError) throw inDoubt(`WAIT failed (${waitError.message})`, waitError);
    if (Number(acknowledged) < wait.replicas) {
      throw inDoubt(
        `${Number(acknowledged)} of ${wait.replicas} replicas acknowledged the write within ` +
          `${wait.timeoutMs} ms`,
      );
    }
    return reply;
  }
}

/** The SHA1 a script goes by in `EVALSHA`. */
export function scriptSha(lua: string): string {
  return createHash("sha1").update(lua).digest("hex");
}

// --- Internal helpers ---

const MAX_ATTEMPTS = 5;

/** Cluster replies that say the command did not run (on this node, or yet). */
const NOT_RUN = new Set(["MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN"]);

function queueWrite(pipeline: ChainableCommander, write: WriteCommand, sendSource: boolean): void {
  if ("command" in write) {
    pipeline.call(write.command, ...write.args);
    return;
  }
  const { script, keys, args } = write;
  if (sendSource) pipeline.eval(script.lua, keys.length, ...keys, ...args);
  else pipeline.evalsha(script.sha, keys.length, ...keys, ...args);
}

/** Refreshes a cluster's slot map (a MOVED names the new owner); waits a little on one node. */
function refreshSlots(client: RedisClient): Promise<void> {
  if (!isCluster(client)) return new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  return new Promise((resolve) => {
    client.refreshSlotsCache(() => setTimeout(resolve, RETRY_DELAY_MS));
  });
}

const RETRY_DELAY_MS = 100;

function inDoubt(reason: string, cause?: unknown): StoreUnavailableError {
  return new StoreUnavailableError(
    "redis",
    `${reason}: the write is in doubt (applied on the master, lost if it fails before a ` +
      "replica copies it); retry it (events with an idempotency key count once)",
    cause,
  );
}
