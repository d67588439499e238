import { newId, type Store } from "@abkit/core";
import { monotonicFactory } from "ulid";
import { METRIC, type User } from "./fixture.js";

export interface BenchEvent {
  entityId: string;
  metricName: string;
  value: number;
  idempotencyKey: string;
}

/** `batches` batches of `size` events over `users`, with time-ordered (ULID) idempotency keys. */
export function eventBatches(users: User[], batches: number, size: number): BenchEvent[][] {
  const ulid = monotonicFactory();
  let n = 0;
  return Array.from({ length: batches }, () =>
    Array.from({ length: size }, () => {
      const user = users[n++ % users.length]!;
      return {
        entityId: user.id,
        metricName: METRIC,
        value: (n % 7) + 1,
        idempotencyKey: `idem_${ulid()}`,
      };
    }),
  );
}

/**
 * A batch applier through `store.applyEvents()` alone (the store's share of `track`): the
 * records `track` would build, stamped now and attributed to `experimentId`.
 */
export function storeApplier(store: Store, experimentId: string) {
  return (events: BenchEvent[]) => {
    const now = new Date().toISOString();
    return store.applyEvents(
      "default",
      events.map((event) => ({
        ...event,
        id: newId("evt"),
        timestamp: now,
        experimentIds: [experimentId],
      })),
    );
  };
}
