// Collects a plan's counter increments, one per (project, experiment, counter): a batch moves
// each counter with one write, whatever its size.
import type { CounterIncrement } from "./counters.js";

/** Sums increments to the same counter; `list()` returns one increment per counter. */
export class Increments {
  // project NUL experiment -> counter id -> increment: short keys on the hot path.
  readonly #byExperiment = new Map<string, Map<string, CounterIncrement>>();

  add(projectId: string, experimentId: string, counter: string, delta: number): void {
    const scope = `${projectId}\u0000${experimentId}`;
    let byCounter = this.#byExperiment.get(scope);
    if (!byCounter) {
      byCounter = new Map();
      this.#byExperiment.set(scope, byCounter);
    }
    const existing = byCounter.get(counter);
    if (existing) existing.delta += delta;
    else byCounter.set(counter, { projectId, experimentId, counter, delta });
  }

  list(): CounterIncrement[] {
    return [...this.#byExperiment.values()].flatMap((byCounter) => [...byCounter.values()]);
  }
}
