import { newId, type Store } from "@abkit/core";
import { describe, it } from "vitest";
import {
  apiKeyRecord,
  assignment,
  eventRecord,
  logRecord,
  projectRecord,
  scoreRecord,
  segmentRecord,
} from "./fixtures.js";
import { expectCode, useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

const P = "close-project";

/**
 * Lifecycle: after `close()` every method rejects with `store_unavailable`. Always part of
 * `runStoreContract` (it cannot be disabled).
 *
 * @example
 * describe("my store", () => closeContract({ create: async () => myStore() }));
 */
export function closeContract(harness: StoreHarness): void {
  describe("close", () => {
    const ctx = useStore(harness);

    it("rejects every call after close() with store_unavailable", async () => {
      // Use the store first, so a lazily connecting store really holds a connection.
      await ctx.store.putDefinition("segment", segmentRecord(P, "es-fr"), 0);
      await ctx.close();
      for (const [method, call] of Object.entries(callsOf(ctx.store))) {
        await expectCode(call(), "store_unavailable", `${method} after close()`);
      }
    });
  });
}

// --- Internal helpers ---

type StoreMethod = Exclude<keyof Store, "name" | "capabilities" | "close">;

// One call of every Store method (the type makes the list complete), with valid arguments.
function callsOf(store: Store): Record<StoreMethod, () => Promise<unknown>> {
  const exp = newId("exp");
  return {
    definitionsVersion: () => store.definitionsVersion(P),
    loadDefinitions: () => store.loadDefinitions(P),
    putDefinition: () => store.putDefinition("segment", segmentRecord(P, "other"), 0),
    deleteDefinition: () => store.deleteDefinition("segment", P, "es-fr", 1),
    recordAssignments: () => store.recordAssignments([assignment(P, exp, "u1", "A")]),
    getAssignment: () => store.getAssignment(P, exp, "u1"),
    applyEvents: () => store.applyEvents(P, [eventRecord("u1", [exp])]),
    readAggregates: () => store.readAggregates(P, exp),
    readEntityTotals: () =>
      store.readEntityTotals(P, [
        { entityId: "u1", metrics: ["m"], fromDay: "2026-01-01", toDay: "2026-01-02" },
      ]),
    appendLog: () => store.appendLog(logRecord(P, exp)),
    listLogs: () => store.listLogs(P, exp, { limit: 10 }),
    getLog: () => store.getLog(P, "log_none"),
    attachScore: () => store.attachScore(scoreRecord(P, exp, "log_none")),
    readLogSummaries: () => store.readLogSummaries(P, exp),
    createProject: () => store.createProject(projectRecord("p", "acme")),
    getProject: () => store.getProject("p"),
    listProjects: () => store.listProjects("acme"),
    createApiKey: () => store.createApiKey(apiKeyRecord("acme", "p")),
    findApiKeyByHash: () => store.findApiKeyByHash("0".repeat(64)),
    listApiKeys: () => store.listApiKeys("acme"),
    revokeApiKey: () => store.revokeApiKey("key_unknown", new Date().toISOString()),
  };
}
