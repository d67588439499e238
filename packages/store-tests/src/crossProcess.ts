import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type ApplyEventsResult,
  type AssignmentRecord,
  type EventRecord,
  newId,
} from "@abkit/core";
import { describe, expect, it, type TestContext } from "vitest";
import type { ChildTask, DefinitionWriteOutcome } from "./child/protocol.js";
import { runChildren } from "./child/spawn.js";
import { chunks, countExposureDay, recount, seededRandom, shuffled } from "./expected.js";
import { assignment, eventRecord, flagRecord, segmentRecord } from "./fixtures.js";
import { useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

const P = "cross-process";
const CHILDREN = 4;
const TIMEOUT_MS = 120_000;

/**
 * Real parallelism: several child processes open the same backend (through
 * `harness.childSpec`), start at the same moment and race on idempotency keys, assignments
 * and definition revisions; the parent checks the totals exactly. Skipped, saying why, when
 * the harness has no `childSpec` or the store is not `capabilities.crossProcess`.
 *
 * @example
 * crossProcessContract({
 *   create: async () => sqliteStore({ path: tempFile() }),
 *   childSpec: (store) => ({ module: sqliteModuleUrl, exportName: "sqliteStore", args: [...] }),
 * });
 */
export function crossProcessContract(harness: StoreHarness): void {
  describe("crossProcess", () => {
    const ctx = useStore(harness);
    const title = (text: string) =>
      harness.childSpec ? text : `${text} [skipped: the harness has no childSpec]`;
    // Skips (saying why) unless the store is shared; then runs one child per task.
    const sharedStore = (t: TestContext) => {
      t.skip(!ctx.store.capabilities.crossProcess, "store.capabilities.crossProcess is false");
      const spec = harness.childSpec!(ctx.store);
      return (tasks: ChildTask[]) =>
        runChildren(spec, tasks, { runner: runnerPath(), timeoutMs: TIMEOUT_MS - 10_000 });
    };

    it.skipIf(!harness.childSpec)(
      title(`${CHILDREN} processes sending the same idempotency keys count each key once`),
      async (t) => {
        const inChildren = sharedStore(t);
        const { exp, assigned, assignments, sent, accepted } = eventWorkload();
        await ctx.store.recordAssignments(assignments);
        // Each child sends its events in its own order, in batches of 10.
        const batches = sent.map((events, i) => chunks(shuffled(events, seededRandom(i + 1)), 10));
        const results = (await inChildren(
          batches.map((perChild) => ({ op: "applyEvents", projectId: P, batches: perChild })),
        )) as ApplyEventsResult[][];
        results.forEach((perBatch, i) => {
          expect(perBatch.map((r) => r.accepted + r.deduped)).toEqual(
            batches[i]!.map((batch) => batch.length),
          );
        });
        const total = (field: keyof ApplyEventsResult) =>
          results.flat().reduce((sum, result) => sum + result[field], 0);
        const sentCount = sent.flat().length;
        expect({ accepted: total("accepted"), deduped: total("deduped") }).toEqual({
          accepted: accepted.length,
          deduped: sentCount - accepted.length,
        });
        expect(await ctx.store.readAggregates(P, exp)).toEqual(recount(exp, assigned, accepted));
        // The keys the children wrote are seen by this process too.
        const repeat = sent[0]!.filter((event) => event.idempotencyKey !== null);
        expect(await ctx.store.applyEvents(P, repeat)).toEqual({
          accepted: 0,
          deduped: repeat.length,
        });
      },
      TIMEOUT_MS,
    );

    it.skipIf(!harness.childSpec)(
      title(`${CHILDREN} processes assigning the same entities agree on one winner each`),
      async (t) => {
        const inChildren = sharedStore(t);
        const exp = newId("exp");
        const entities = Array.from({ length: 400 }, (_, i) => `entity-${i}`);
        // Every child assigns an entity at the same time, on one of two days: the winner's
        // exposure must land on that day exactly once.
        const dayOf = (entity: string) =>
          Number(entity.slice("entity-".length)) % 2 === 0 ? "2026-03-01" : "2026-03-02";
        const orders = Array.from({ length: CHILDREN }, (_, i) =>
          shuffled(entities, seededRandom(100 + i)),
        );
        const tasks: ChildTask[] = orders.map((order, i) => ({
          op: "recordAssignments",
          batches: chunks(
            order.map((entity) =>
              assignment(P, exp, entity, `v${i}`, `${dayOf(entity)}T12:00:00.000Z`),
            ),
            10,
          ),
        }));
        const results = (await inChildren(tasks)) as string[][][];
        const winners = new Map<string, string>();
        results.forEach((perBatch, i) => {
          const got = perBatch.flat();
          expect(got).toHaveLength(entities.length);
          orders[i]!.forEach((entity, j) => {
            expect(winners.get(entity) ?? got[j], `winner of ${entity}`).toBe(got[j]);
            winners.set(entity, got[j]!);
          });
        });
        const exposures: Record<string, number> = {};
        const exposuresByDay: Record<string, Record<string, number>> = {};
        for (const entity of entities) {
          const winner = winners.get(entity)!;
          expect(["v0", "v1", "v2", "v3"]).toContain(winner);
          expect(await ctx.store.getAssignment(P, exp, entity)).toBe(winner);
          exposures[winner] = (exposures[winner] ?? 0) + 1;
          countExposureDay(exposuresByDay, dayOf(entity), winner);
        }
        const read = await ctx.store.readAggregates(P, exp);
        expect(read.exposures).toEqual(exposures);
        expect(read.exposuresByDay).toEqual(exposuresByDay);
      },
      TIMEOUT_MS,
    );

    it.skipIf(!harness.childSpec)(
      title(`${CHILDREN} processes creating one key: one wins, versions bump once per write`),
      async (t) => {
        const inChildren = sharedStore(t);
        const contested = Array.from({ length: CHILDREN }, () => segmentRecord(P, "contested"));
        const tasks: ChildTask[] = contested.map((record, i) => ({
          op: "putDefinitions",
          writes: [
            { kind: "segment", record, expectedRevision: 0 },
            ...Array.from({ length: 10 }, (_, j) => ({
              kind: "flag" as const,
              record: flagRecord(P, `flag-${i}-${j}`),
              expectedRevision: 0,
            })),
          ],
        }));
        const results = (await inChildren(tasks)) as DefinitionWriteOutcome[][];
        const winners = results.flatMap((outcomes, i) => ("version" in outcomes[0]! ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const outcomes of results) {
          if (!("version" in outcomes[0]!)) expect(outcomes[0]).toEqual({ code: "conflict" });
        }
        const versions = results.flat().flatMap((o) => ("version" in o ? [o.version] : []));
        const writes = 1 + CHILDREN * 10;
        expect(versions.sort((a, b) => a - b)).toEqual(
          Array.from({ length: writes }, (_, i) => i + 1),
        );
        const loaded = await ctx.store.loadDefinitions(P);
        expect(loaded.version).toBe(writes);
        expect(loaded.segments).toEqual([contested[winners[0]!]]);
        expect(loaded.flags).toHaveLength(CHILDREN * 10);
      },
      TIMEOUT_MS,
    );
  });
}

// --- Internal helpers ---

/** The runner next to this module: ./child/runner.ts in the sources, ./child/runner.js once built. */
export function runnerPath(): string {
  const source = fileURLToPath(new URL("./child/runner.ts", import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL("./child/runner.js", import.meta.url));
}

// Every child sends the same 200 keyed events (each key always the same event, some twice),
// 60 keyed events of its own and 40 without a key, over 40 entities of which 35 are assigned.
function eventWorkload() {
  const random = seededRandom(42);
  const exp = newId("exp");
  const assigned = new Map<string, string>();
  const assignments: AssignmentRecord[] = [];
  for (let u = 0; u < 35; u++) {
    const variant = u % 3 === 0 ? "treatment" : "control";
    assigned.set(`user-${u}`, variant);
    assignments.push(assignment(P, exp, `user-${u}`, variant));
  }
  const make = (idempotencyKey: string | null): EventRecord =>
    eventRecord(`user-${Math.floor(random() * 40)}`, [exp], {
      idempotencyKey,
      metricName: random() < 0.5 ? "output_tokens" : "latency_ms",
      value: Math.floor(random() * 17 - 4) / 2,
    });
  const shared = Array.from({ length: 200 }, (_, k) => make(`shared-${k}`));
  const sent = Array.from({ length: CHILDREN }, (_, i) => [
    ...shared.map((event) => ({ ...event, id: newId("evt") })),
    ...shared.slice(0, 20).map((event) => ({ ...event, id: newId("evt") })),
    ...Array.from({ length: 60 }, (_, j) => make(`child-${i}-${j}`)),
    ...Array.from({ length: 40 }, () => make(null)),
  ]);
  const accepted = [...shared, ...sent.flatMap((events) => events.slice(220))];
  return { exp, assigned, assignments, sent, accepted };
}
