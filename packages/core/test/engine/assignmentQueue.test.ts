import { afterEach, describe, expect, it, vi } from "vitest";
import { AssignmentQueue } from "../../src/engine/tracking/assignmentQueue.js";
import type { QueuedAssignment } from "../../src/engine/tracking/preCovariates.js";
import { isAbkitError } from "../../src/errors/AbkitError.js";
import { StoreUnavailableError } from "../../src/errors/StoreUnavailableError.js";
import {
  checkEntityTotalsRequests,
  MAX_ENTITY_TOTALS_REQUESTS,
} from "../../src/store/entityTotalsChecks.js";
import type { AssignmentRecord, Store } from "../../src/store.js";

// A store that keeps assignments insert-if-absent and fails the calls it is told to. Only
// the queue's view of a store; the real stores run the same cases through faultyStore.
function fakeStore() {
  const stored = new Map<string, string>();
  const state = { failNext: 0, error: () => blip() as unknown, calls: 0, totalsCalls: 0 };
  const store = {
    name: "fake",
    async recordAssignments(records: AssignmentRecord[]) {
      state.calls++;
      if (state.failNext > 0) {
        state.failNext--;
        throw state.error();
      }
      return records.map((record) => {
        const key = `${record.experimentId}/${record.entityId}`;
        if (!stored.has(key)) stored.set(key, record.variantKey);
        return stored.get(key) as string;
      });
    },
    async readEntityTotals(_projectId: string, requests: Parameters<Store["readEntityTotals"]>[1]) {
      state.totalsCalls++;
      checkEntityTotalsRequests(requests);
      return requests.map((request) =>
        Object.fromEntries(request.metrics.map((metric) => [metric, Number(request.entityId)])),
      );
    },
  } as unknown as Store;
  return { store, stored, state };
}

const blip = () =>
  new StoreUnavailableError(
    "fake",
    "read ECONNRESET",
    Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
  );

const record = (entityId: string, extra: Partial<QueuedAssignment> = {}): QueuedAssignment => ({
  projectId: "p",
  experimentId: "exp_1",
  entityId,
  variantKey: "control",
  assignedAt: "2026-03-02T10:00:00.000Z",
  ...extra,
});

const options = { batchSize: 500, flushIntervalMs: 60_000, cacheSize: 1000, missingTtlMs: 0 };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe("assignment write-behind after a failed write", () => {
  it("the failed flush rejects with store_unavailable, the next one writes the kept batch, later writes proceed", async () => {
    const { store, stored, state } = fakeStore();
    const queue = new AssignmentQueue(store, options);
    queue.enqueue(record("u1"));
    queue.enqueue(record("u2"));
    state.failNext = 1;
    const error = await rejection(queue.flush());
    expect(isAbkitError(error) && error.code).toBe("store_unavailable");
    expect(queue.pendingCount).toBe(2);
    queue.enqueue(record("u3"));
    await queue.flush();
    expect([...stored.keys()].sort()).toEqual(["exp_1/u1", "exp_1/u2", "exp_1/u3"]);
    queue.enqueue(record("u4"));
    await queue.flush();
    expect(stored.size).toBe(4);
    expect(queue.pendingCount).toBe(0);
  });

  it("a failed write on the timer stops nothing: the next flush writes it and reports no stale error", async () => {
    vi.useFakeTimers();
    const { store, stored, state } = fakeStore();
    const queue = new AssignmentQueue(store, { ...options, flushIntervalMs: 10 });
    state.failNext = 1;
    queue.enqueue(record("u1"));
    await vi.advanceTimersByTimeAsync(10);
    expect(state.calls).toBe(1);
    expect(stored.size).toBe(0);
    queue.enqueue(record("u2"));
    // This flush writes everything and succeeds: it reports its own outcome, not the timer's.
    await queue.flush();
    expect([...stored.keys()].sort()).toEqual(["exp_1/u1", "exp_1/u2"]);
    queue.enqueue(record("u3"));
    await vi.advanceTimersByTimeAsync(10);
    expect(stored.size).toBe(3);
  });

  it("a failed write on a full batch is retried on the timer without a flush", async () => {
    vi.useFakeTimers();
    const { store, stored, state } = fakeStore();
    const queue = new AssignmentQueue(store, { ...options, batchSize: 2, flushIntervalMs: 10 });
    state.failNext = 2;
    queue.enqueue(record("u1"));
    queue.enqueue(record("u2")); // full: written at once, and fails
    await vi.advanceTimersByTimeAsync(0);
    expect(state.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000); // a retry fails, a later one succeeds
    expect(state.calls).toBeGreaterThanOrEqual(3);
    expect(stored.size).toBe(2);
    expect(queue.pendingCount).toBe(0);
  });

  it("a store error that is not an abkit error is reported as store_unavailable, cause kept", async () => {
    const { store, state } = fakeStore();
    const raw = Object.assign(new Error("Connection is closed."), { code: "ECONNREFUSED" });
    state.error = () => raw;
    state.failNext = 1;
    const queue = new AssignmentQueue(store, options);
    queue.enqueue(record("u1"));
    const error = await rejection(queue.flush());
    expect(isAbkitError(error) && error.code).toBe("store_unavailable");
    expect((error as Error).cause).toBe(raw);
    await queue.flush();
    expect(queue.pendingCount).toBe(0);
  });

  it("keeps the batch when the pre-period covariate read fails, and writes it once that recovers", async () => {
    const { store, stored } = fakeStore();
    let failTotals = true;
    const read = store.readEntityTotals.bind(store);
    store.readEntityTotals = async (projectId, requests) => {
      if (failTotals) throw blip();
      return read(projectId, requests);
    };
    const queue = new AssignmentQueue(store, options);
    queue.enqueue(record("1", { preCovariates: [{ name: "pre:t:7d", metric: "t", days: 7 }] }));
    const error = await rejection(queue.flush());
    expect(isAbkitError(error) && error.code).toBe("store_unavailable");
    failTotals = false;
    await queue.flush();
    expect(stored.size).toBe(1);
  });
});

describe("pre-period covariate reads", () => {
  it(`are split into reads of at most ${MAX_ENTITY_TOTALS_REQUESTS} requests, each answer on its own record`, async () => {
    const { store, state } = fakeStore();
    const written: AssignmentRecord[] = [];
    const record_ = store.recordAssignments.bind(store);
    store.recordAssignments = async (records) => {
      written.push(...records);
      return record_(records);
    };
    const queue = new AssignmentQueue(store, { ...options, batchSize: 5000 });
    const covariates = [
      { name: "pre:a:7d", metric: "a", days: 7 },
      { name: "pre:b:14d", metric: "b", days: 14 },
    ];
    for (let i = 1; i <= 2500; i++) queue.enqueue(record(String(i), { preCovariates: covariates }));
    await queue.flush();
    expect(state.totalsCalls).toBe(5); // 5,000 requests
    expect(written).toHaveLength(2500);
    written.forEach((written, index) => {
      const n = index + 1;
      expect(written.covariates).toEqual({ "pre:a:7d": n, "pre:b:14d": n });
    });
  });
});
