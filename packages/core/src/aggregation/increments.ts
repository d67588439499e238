// Collects a plan's counter increments, one per (project, experiment, counter), in the order
// first touched: a batch moves each counter with one write, whatever its size.
import type { CounterIncrement } from "./counters.js";

/** Sums increments to the same counter; `list()` returns one increment per counter. */
export class Increments {
  readonly #byId = new Map<string, CounterIncrement>();

  add(projectId: string, experimentId: string, counter: string, delta: number): void {
    const id = `${projectId}\u0000${experimentId}\u0000${counter}`;
    const existing = this.#byId.get(id);
    if (existing) existing.delta += delta;
    else this.#byId.set(id, { projectId, experimentId, counter, delta });
  }

  list(): CounterIncrement[] {
    return [...this.#byId.values()];
  }
}
