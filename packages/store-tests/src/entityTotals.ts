import { type EntityTotalsRequest, type EventRecord, exposureDay, newId } from "@abkit/core";
import { expect, it } from "vitest";
import { chunks, firstOfEachKey, seededRandom } from "./expected.js";
import { assignment, eventRecord } from "./fixtures.js";
import { expectCode, type StoreUnderTest } from "./harness.js";

const P = "entity-totals-project";

/**
 * Per-entity daily totals (registered inside the events group): every accepted event adds
 * its value under its entity, metric and UTC day, assigned or not; `readEntityTotals` sums
 * the days `fromDay <= d < toDay`, per project, and checks every request before reading.
 */
export function entityTotalCases(ctx: StoreUnderTest): void {
  it("sums an entity's metric over the days fromDay <= d < toDay, 0 for metrics without events", async () => {
    await ctx.store.applyEvents(P, [
      at("u1", "tokens", 5, "2026-03-01T00:00:00.000Z"),
      at("u1", "tokens", 7, "2026-03-01T23:59:59.999Z"),
      // 01:00 on March 3 at +02:00 is still March 2 in UTC.
      at("u1", "tokens", 11, "2026-03-03T01:00:00.000+02:00"),
      at("u1", "tokens", 13, "2026-03-03T00:00:00.000Z"),
      at("u1", "orders", 1, "2026-03-02T10:00:00.000Z"),
      at("u2", "tokens", 100, "2026-03-02T10:00:00.000Z"),
      // A time without a day is accepted but counted on no day.
      at("u1", "tokens", 1000, "not a time"),
    ]);
    const window = (entityId: string, fromDay: string, toDay: string) => ({
      entityId,
      metrics: ["tokens", "orders", "never"],
      fromDay,
      toDay,
    });
    expect(
      await ctx.store.readEntityTotals(P, [
        window("u1", "2026-03-01", "2026-03-04"),
        window("u1", "2026-03-01", "2026-03-03"),
        window("u1", "2026-03-02", "2026-03-03"),
        window("u1", "2026-03-03", "2026-03-04"),
        window("u1", "2026-03-02", "2026-03-02"),
        window("u2", "2026-02-01", "2026-03-02"),
        window("u2", "2026-03-02", "2026-03-03"),
        window("u3", "2025-03-02", "2026-03-03"),
      ]),
    ).toEqual([
      { tokens: 36, orders: 1, never: 0 },
      { tokens: 23, orders: 1, never: 0 },
      { tokens: 11, orders: 1, never: 0 },
      { tokens: 13, orders: 0, never: 0 },
      { tokens: 0, orders: 0, never: 0 },
      { tokens: 0, orders: 0, never: 0 },
      { tokens: 100, orders: 0, never: 0 },
      { tokens: 0, orders: 0, never: 0 },
    ]);
    expect(await ctx.store.readEntityTotals(P, [])).toEqual([]);
    // 100 metrics over 366 days: the widest request there is.
    const others = Array.from({ length: 98 }, (_, i) => `m${i}`);
    const [widest] = await ctx.store.readEntityTotals(P, [
      {
        entityId: "u1",
        metrics: ["tokens", "orders", ...others],
        fromDay: "2025-03-04",
        toDay: "2026-03-05",
      },
    ]);
    expect(widest).toEqual({
      tokens: 36,
      orders: 1,
      ...Object.fromEntries(others.map((name) => [name, 0])),
    });
  });

  it("counts accepted events with or without an assignment, and deduped repeats never", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([assignment(P, exp, "u1", "A")]);
    const keyed = (entityId: string, key: string, value: number) =>
      eventRecord(entityId, [exp], { metricName: "clicks", idempotencyKey: key, value });
    expect(
      await ctx.store.applyEvents(P, [
        keyed("u1", "k1", 2),
        keyed("u1", "k1", 50),
        keyed("u2", "k2", 3),
        eventRecord("u3", [], { metricName: "clicks", value: 4 }),
      ]),
    ).toEqual({ accepted: 3, deduped: 1 });
    expect(await ctx.store.applyEvents(P, [keyed("u1", "k1", 60), keyed("u2", "k2", 70)])).toEqual({
      accepted: 0,
      deduped: 2,
    });
    expect(await ctx.store.readEntityTotals(P, ["u1", "u2", "u3"].map(wholeJanuary))).toEqual([
      { clicks: 2 },
      { clicks: 3 },
      { clicks: 4 },
    ]);
  });

  it("keeps each project's totals apart", async () => {
    await ctx.store.applyEvents(P, [eventRecord("u1", [], { metricName: "clicks", value: 2 })]);
    await ctx.store.applyEvents("team:b", [
      eventRecord("u1", [], { metricName: "clicks", value: 30 }),
    ]);
    expect(await ctx.store.readEntityTotals(P, [wholeJanuary("u1")])).toEqual([{ clicks: 2 }]);
    expect(await ctx.store.readEntityTotals("team:b", [wholeJanuary("u1")])).toEqual([
      { clicks: 30 },
    ]);
    expect(await ctx.store.readEntityTotals("nobody", [wholeJanuary("u1")])).toEqual([
      { clicks: 0 },
    ]);
  });

  it("sums fractional and negative values", async () => {
    const values = [0.1, 0.2, -0.3, 1e-7, 2.5, -1.25, 1 / 3];
    await ctx.store.applyEvents(
      P,
      values.map((value) => eventRecord("u1", [], { metricName: "spend", value })),
    );
    const [totals] = await ctx.store.readEntityTotals(P, [
      { entityId: "u1", metrics: ["spend"], fromDay: "2026-01-02", toDay: "2026-01-03" },
    ]);
    expect(totals?.spend).toBeCloseTo(
      values.reduce((sum, value) => sum + value, 0),
      9,
    );
  });

  it("rejects bad requests with validation_failed, the whole call, before reading", async () => {
    await ctx.store.applyEvents(P, [eventRecord("u1", [], { metricName: "clicks", value: 5 })]);
    const good = wholeJanuary("u1");
    const bad: EntityTotalsRequest[] = [
      { ...good, fromDay: "2025-01-01", toDay: "2026-01-03" },
      { ...good, fromDay: "2026-1-1" },
      { ...good, toDay: "2026-02-30" },
      { ...good, fromDay: "2026-02-01", toDay: "2026-01-01" },
      { ...good, metrics: ["clicks", "not a name"] },
      { ...good, metrics: Array.from({ length: 101 }, (_, i) => `m${i}`) },
    ];
    for (const request of bad) {
      await expectCode(
        ctx.store.readEntityTotals(P, [good, request]),
        "validation_failed",
        JSON.stringify(request).slice(0, 120),
      );
    }
    const tooMany = Array.from({ length: 1001 }, () => good);
    await expectCode(ctx.store.readEntityTotals(P, tooMany), "validation_failed", "1001 requests");
    // 366 days and 1000 requests are allowed; nothing above changed what is stored.
    const limit = { ...good, fromDay: "2025-01-02", toDay: "2026-01-03" };
    const read = await ctx.store.readEntityTotals(
      P,
      Array.from({ length: 1000 }, () => limit),
    );
    expect(read).toHaveLength(1000);
    expect(read[999]).toEqual({ clicks: 5 });
  });

  it("matches a brute-force sum over a seeded random stream with repeated keys", async () => {
    const next = seededRandom(21);
    const entities = ["u1", "u2", "u3", "u:4"];
    const metrics = ["tokens", "orders", "spend"];
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const dayOf = (offset: number) => new Date(Date.UTC(2026, 1, 20 + offset)).toISOString();
    const sent: EventRecord[] = [];
    for (let i = 0; i < 600; i++) {
      const time = Date.parse(dayOf(Math.floor(next() * 20))) + Math.floor(next() * 86_400_000);
      sent.push(
        eventRecord(pick(entities), [], {
          metricName: pick(metrics),
          value: Math.round((next() * 200 - 50) * 1000) / 1000,
          idempotencyKey: next() < 0.5 ? `k${Math.floor(next() * 200)}` : null,
          timestamp: new Date(time).toISOString(),
        }),
      );
    }
    for (const batch of chunks(sent, 97)) await ctx.store.applyEvents(P, batch);
    const accepted = firstOfEachKey(sent);
    const requests: EntityTotalsRequest[] = [];
    for (let i = 0; i < 60; i++) {
      const a = Math.floor(next() * 24) - 2;
      const b = a + Math.floor(next() * 12);
      requests.push({
        entityId: pick(entities),
        metrics: [...metrics, "absent"],
        fromDay: dayOf(a).slice(0, 10),
        toDay: dayOf(b).slice(0, 10),
      });
    }
    const read = await ctx.store.readEntityTotals(P, requests);
    expect(read).toHaveLength(requests.length);
    requests.forEach((request, index) => {
      for (const metric of request.metrics) {
        const expected = accepted
          .filter((event) => event.entityId === request.entityId && event.metricName === metric)
          .filter((event) => {
            const day = exposureDay(event.timestamp) ?? "";
            return request.fromDay <= day && day < request.toDay;
          })
          .reduce((sum, event) => sum + event.value, 0);
        expect(read[index]?.[metric], `${index} ${metric}`).toBeCloseTo(expected, 9);
      }
      expect(Object.keys(read[index] ?? {}).sort()).toEqual([...request.metrics].sort());
    });
  });
}

// --- Internal helpers ---

function at(entityId: string, metricName: string, value: number, timestamp: string): EventRecord {
  return eventRecord(entityId, [], { metricName, value, timestamp });
}

// The fixtures' events fall on 2026-01-02.
function wholeJanuary(entityId: string): EntityTotalsRequest {
  return { entityId, metrics: ["clicks"], fromDay: "2026-01-01", toDay: "2026-02-01" };
}
