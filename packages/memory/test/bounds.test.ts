import type { EventRecord } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../src/index.js";

const event = (
  idempotencyKey: string | null,
  timestamp = "2026-03-01T12:00:00.000Z",
): EventRecord => ({
  id: `evt_${Math.random().toString(36).slice(2)}`,
  entityId: "u1",
  metricName: "m",
  value: 1,
  idempotencyKey,
  timestamp,
  experimentIds: [],
});

// A long-running process must not grow with every event: the memory store keeps only what
// dedup, covariates and results read, each bounded.
describe("memoryStore bounds", () => {
  it("dedups within the last maxIdempotencyKeys keys and forgets older ones", async () => {
    const store = memoryStore({ maxIdempotencyKeys: 3 });
    const keys = ["k1", "k2", "k3", "k4"];
    expect(
      await store.applyEvents(
        "p",
        keys.map((key) => event(key)),
      ),
    ).toEqual({
      accepted: 4,
      deduped: 0,
    });
    // k2..k4 are remembered; k1, the oldest, was forgotten.
    expect(await store.applyEvents("p", [event("k4"), event("k2")])).toEqual({
      accepted: 0,
      deduped: 2,
    });
    expect(await store.applyEvents("p", [event("k1")])).toEqual({ accepted: 1, deduped: 0 });
  });

  it("keeps day totals for the 367 days up to the newest event's day", async () => {
    const store = memoryStore();
    await store.applyEvents("p", [event(null, "2025-01-10T00:00:00.000Z")]);
    const read = (fromDay: string, toDay: string) =>
      store.readEntityTotals("p", [{ entityId: "u1", metrics: ["m"], fromDay, toDay }]);
    expect(await read("2025-01-10", "2025-01-11")).toEqual([{ m: 1 }]);
    await store.applyEvents("p", [event(null, "2026-01-12T00:00:00.000Z")]); // 367 days on
    expect(await read("2025-01-10", "2025-01-11")).toEqual([{ m: 1 }]);
    await store.applyEvents("p", [event(null, "2026-01-13T00:00:00.000Z")]);
    expect(await read("2025-01-10", "2025-01-11")).toEqual([{ m: 0 }]);
    expect(await read("2026-01-12", "2026-01-14")).toEqual([{ m: 2 }]);
  });

  it("refuses a bound below 1", () => {
    expect(() => memoryStore({ maxIdempotencyKeys: 0 })).toThrow(/maxIdempotencyKeys/);
  });
});
