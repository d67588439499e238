import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Store } from "@abkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { redisStore } from "../../src/index.js";
import { EVENT_DAY, EVENTS_PER_BATCH, type IngestLine, type IngestPlan } from "./ingestPlan.js";
import { type RedisCluster, startRedisCluster } from "./redisCluster.js";
import { clusterMissing } from "./sharedCluster.js";
import {
  poll,
  type SlotOwner,
  slotOwner,
  waitUntilMaster,
  waitUntilReplicaInSync,
} from "./topology.js";

// Each test makes a cluster of its own (it kills one of its masters), with a 1 s node
// timeout so that a replica takes over within a few seconds.
const PROJECT = "failover";
const EXPERIMENT = "exp_failover";
const MAX_BATCHES = 4000;
const PREFIX = "abkit-failover:";

let cluster: RedisCluster | null = null;
let child: ChildProcessWithoutNullStreams | null = null;
const stores: Store[] = [];
afterEach(async () => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  child = null;
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await cluster?.stop();
  cluster = null;
});

const describeWithRedisServer = clusterMissing
  ? (name: string, _body: () => void) =>
      describe(`${name} (skipped: ${clusterMissing})`, () => it.skip("needs redis-server"))
  : describe;

describeWithRedisServer("redis store when a cluster master fails over", () => {
  it("keeps working after a failover and never counts a batch twice (asynchronous replication)", async () => {
    const { store, owner, ingest } = await setUp(0);
    await ingest.acknowledged(30);
    cluster!.kill(owner.master);
    const killedAt = Date.now();
    await waitUntilMaster(owner.replicas[0]!);
    const promotedAt = Date.now();
    // The store works again: batches are acknowledged by the promoted replica.
    await ingest.acknowledgedAfter(promotedAt, 30);
    const lines = await ingest.stop();

    const { perBatch, failures } = await outcome(store, lines);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.code).toBe("store_unavailable");
    // Each batch counts once or not at all: never twice, never in part.
    for (const { total } of perBatch) expect([0, EVENTS_PER_BATCH]).toContain(total);
    // Only batches sent are counted (at most the acknowledged plus those in doubt).
    expect(perBatch.filter((batch) => !batch.sent && batch.total > 0)).toEqual([]);
    // What a failover may lose is the replication lag: acknowledged batches the replica
    // had not copied when the master died. The replica applies the master's writes in
    // order, so those are the last acknowledged before the kill; every batch acknowledged
    // after the promotion is kept.
    const acknowledged = perBatch.filter((batch) => batch.ok);
    const lost = acknowledged.filter((batch) => batch.total === 0);
    for (const batch of lost) expect(batch.at).toBeLessThan(promotedAt);
    const keptBeforeKill = acknowledged.filter((b) => b.at < killedAt && b.total > 0);
    for (const batch of lost) {
      expect(keptBeforeKill.every((kept) => kept.batch < batch.batch)).toBe(true);
    }
    // The aggregates agree with the per-entity totals: the scripts replicate whole.
    await expectAggregatesMatch(store, perBatch);
  }, 90_000);

  it("with waitReplicas: 1 loses no acknowledged batch in a failover", async () => {
    const { store, owner, ingest } = await setUp(1);
    await ingest.acknowledged(30);
    cluster!.kill(owner.master);
    await waitUntilMaster(owner.replicas[0]!);
    // The promoted replica has no replica of its own until the old master comes back (as
    // its replica): until then WAIT fails and so does every write, in doubt.
    await cluster!.restart(owner.master);
    await waitUntilReplicaInSync(owner.master);
    await ingest.acknowledgedAfter(Date.now(), 30);
    const lines = await ingest.stop();

    const { perBatch, failures } = await outcome(store, lines);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.code).toBe("store_unavailable");
    for (const { total } of perBatch) expect([0, EVENTS_PER_BATCH]).toContain(total);
    expect(perBatch.filter((batch) => !batch.sent && batch.total > 0)).toEqual([]);
    // Every acknowledged batch survived the failover.
    expect(perBatch.filter((batch) => batch.ok && batch.total === 0)).toEqual([]);
    await expectAggregatesMatch(store, perBatch);
  }, 90_000);
});

// --- Internal helpers ---

/** Starts a cluster, assigns the entities, and starts the ingest child. */
async function setUp(waitReplicas: number) {
  cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
  const store = redisStore({ url: cluster.url, prefix: PREFIX, timeoutMs: 1000 });
  stores.push(store);
  const owner: SlotOwner = await slotOwner(cluster.nodes[0]!.port, `{${PROJECT}}`);
  expect(owner.replicas).toHaveLength(1);
  await store.recordAssignments(
    Array.from({ length: MAX_BATCHES }, (_, b) => ({
      projectId: PROJECT,
      experimentId: EXPERIMENT,
      entityId: `b${b}`,
      variantKey: b % 2 === 0 ? "A" : "B",
      assignedAt: "",
    })),
  );
  const plan: IngestPlan = {
    url: cluster.url,
    prefix: PREFIX,
    projectId: PROJECT,
    experimentId: EXPERIMENT,
    timeoutMs: 1000,
    waitReplicas,
    batches: MAX_BATCHES,
  };
  return { store, owner, ingest: startIngest(plan) };
}

/** Runs the ingest child and follows what it reports. */
function startIngest(plan: IngestPlan) {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
  const script = fileURLToPath(new URL("./ingestChild.ts", import.meta.url));
  const process_ = spawn(
    process.execPath,
    ["--import", tsx, "--conditions=@abkit/source", script, JSON.stringify(plan)],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  child = process_;
  let stderr = "";
  process_.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const lines: IngestLine[] = [];
  createInterface({ input: process_.stdout }).on("line", (line) => {
    if (line.startsWith("{")) lines.push(JSON.parse(line) as IngestLine);
  });
  const exited = new Promise<void>((resolve) => process_.once("exit", () => resolve()));
  const alive = () => {
    if (process_.exitCode !== null && !lines.some((line) => "done" in line)) {
      throw new Error(`the ingest child exited (${process_.exitCode}): ${stderr}`);
    }
  };
  const acknowledgedAfter = (since: number, count: number) =>
    poll(`${count} batches acknowledged`, 30_000, async () => {
      alive();
      return lines.filter((line) => "ok" in line && line.ok && line.at >= since).length >= count;
    });
  return {
    acknowledged: (count: number) => acknowledgedAfter(0, count),
    acknowledgedAfter,
    async stop(): Promise<IngestLine[]> {
      process_.stdin.end("stop\n");
      await exited;
      alive();
      return lines;
    },
  };
}

interface BatchOutcome {
  batch: number;
  sent: boolean;
  ok: boolean;
  at: number;
  /** Σ values of the batch's entity as the store has them now. */
  total: number;
}

/** Each batch's outcome in the child beside its total in the store. */
async function outcome(store: Store, lines: IngestLine[]) {
  const reported = new Map<number, Extract<IngestLine, { batch: number }>>();
  for (const line of lines) if ("batch" in line) reported.set(line.batch, line);
  // At most 1000 requests a call.
  const totals: Record<string, number>[] = [];
  for (let from = 0; from < MAX_BATCHES; from += 1000) {
    const requests = Array.from({ length: Math.min(1000, MAX_BATCHES - from) }, (_, i) => ({
      entityId: `b${from + i}`,
      metrics: ["tokens"],
      fromDay: EVENT_DAY,
      toDay: "2025-01-16",
    }));
    totals.push(...(await store.readEntityTotals(PROJECT, requests)));
  }
  const perBatch: BatchOutcome[] = totals.map((total, batch) => {
    const line = reported.get(batch);
    return {
      batch,
      sent: line !== undefined,
      ok: line?.ok === true,
      at: line?.at ?? 0,
      total: total.tokens ?? 0,
    };
  });
  const failures = [...reported.values()].flatMap((line) => (line.ok ? [] : [line]));
  return { perBatch, failures };
}

/** The experiment's aggregates count exactly the batches the per-entity totals show. */
async function expectAggregatesMatch(store: Store, perBatch: BatchOutcome[]): Promise<void> {
  const { metrics } = await store.readAggregates(PROJECT, EXPERIMENT);
  for (const [variant, parity] of [
    ["A", 0],
    ["B", 1],
  ] as const) {
    const applied = perBatch.filter((batch) => batch.batch % 2 === parity && batch.total > 0);
    expect(metrics.tokens?.[variant]?.events ?? 0).toBe(applied.length * EVENTS_PER_BATCH);
    expect(metrics.tokens?.[variant]?.entities ?? 0).toBe(applied.length);
    expect(metrics.tokens?.[variant]?.sum ?? 0).toBe(
      applied.reduce((sum, batch) => sum + batch.total, 0),
    );
  }
}
