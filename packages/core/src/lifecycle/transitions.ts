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
 * `draft -> running -> stopped`, nothing else (a stopped experiment is never restarted;
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
