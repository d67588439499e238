import type {
  ApplyEventsResult,
  AssignmentRecord,
  AttachScoreResult,
  DefinitionKind,
  DefinitionOf,
  EventRecord,
  ScoreRecord,
} from "@abkit/core";
import type { ChildStoreSpec } from "../types.js";

/**
 * The wire protocol between the suite and a child process. One JSON line each way:
 *
 * 1. parent -> child: a `ChildRequest` (which store to open, what to do);
 * 2. child -> parent: `{ "abkitChild": "ready" }` once the store is open;
 * 3. parent -> child: `go <epoch ms>`, sent to every child once all are ready; each starts
 *    its task at that instant;
 * 4. child -> parent: `{ "abkitChild": "result", "result": ... }`, then it closes the store
 *    and exits 0. Any failure goes to stderr with a non-zero exit code.
 */

/** Work a child does, in order, once told to go. */
export type ChildTask =
  | { op: "applyEvents"; projectId: string; batches: EventRecord[][] }
  | { op: "recordAssignments"; batches: AssignmentRecord[][] }
  | { op: "putDefinitions"; writes: DefinitionWrite[] }
  | { op: "attachScores"; scores: ScoreRecord[] };

/** One `putDefinition` call. */
export interface DefinitionWrite {
  kind: DefinitionKind;
  record: DefinitionOf<DefinitionKind>;
  expectedRevision: number;
}

/** What a definition write came to: the new version, or the error code it was rejected with. */
export type DefinitionWriteOutcome = { version: number } | { code: string };

/** What each task returns, one entry per batch or write. */
export interface ChildResults {
  applyEvents: ApplyEventsResult[];
  recordAssignments: string[][];
  putDefinitions: DefinitionWriteOutcome[];
  /** One `attachScore` result per score, in order. */
  attachScores: (AttachScoreResult | null)[];
}

/** The first line a child reads. */
export interface ChildRequest {
  spec: ChildStoreSpec;
  task: ChildTask;
}

/** A line a child writes on stdout (other output on stdout is ignored). */
export type ChildMessage = { abkitChild: "ready" } | { abkitChild: "result"; result: unknown };

/** The first word of the line that starts every child at once. */
export const GO = "go";
