import { InvalidTransitionError } from "../errors/InvalidTransitionError.js";
import type { ExperimentStatus } from "../schema/experiment.js";

/** The lifecycle actions and the statuses each moves from and to. */
export const TRANSITIONS = {
  start: { from: "draft", to: "running" },
  stop: { from: "running", to: "stopped" },
} as const satisfies Record<string, { from: ExperimentStatus; to: ExperimentStatus }>;

export type LifecycleAction = keyof typeof TRANSITIONS;

/**
 * The status `action` leads to from `status`, or an `invalid_transition` error:
 * `draft -> running -> stopped`, nothing else (a stopped or shipped experiment is never restarted;
 * create a new one so that its results stay readable).
 *
 * @example
 * nextStatus("draft", "start"); // "running"
 * nextStatus("stopped", "start"); // throws InvalidTransitionError
 */
export function nextStatus(status: ExperimentStatus, action: LifecycleAction): ExperimentStatus {
  const transition = TRANSITIONS[action];
  if (status !== transition.from) {
    throw new InvalidTransitionError(
      `cannot ${action} an experiment that is ${status} (only a ${transition.from} experiment can)`,
      { status, action, allowedFrom: transition.from },
    );
  }
  return transition.to;
}

/** The statuses an experiment may be shipped from: running, or stopped to ship later. */
export const SHIPPABLE_FROM = ["running", "stopped"] as const satisfies ExperimentStatus[];

/**
 * Throws `invalid_transition` unless an experiment of `status` may be shipped (running or
 * stopped). Shipped is final: never started, stopped or shipped again.
 *
 * @example
 * assertShippable("running"); // ok
 * assertShippable("draft"); // throws InvalidTransitionError
 */
export function assertShippable(status: ExperimentStatus): void {
  if ((SHIPPABLE_FROM as readonly ExperimentStatus[]).includes(status)) return;
  throw new InvalidTransitionError(
    `cannot ship an experiment that is ${status} (only a running or stopped experiment can)`,
    { status, action: "ship", allowedFrom: [...SHIPPABLE_FROM] },
  );
}
