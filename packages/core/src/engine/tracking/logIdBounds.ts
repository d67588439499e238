import { encodeTime, TIME_MAX } from "ulid";

/**
 * A log's id is made a moment before its `createdAt` is read, in the same call; this margin
 * keeps a log whose two clocks straddle a bound inside the scan (the `createdAt` check then
 * decides).
 */
const CLOCK_MARGIN_MS = 1000;

/**
 * The cursor that starts a scan at time `to`: every log created by then has a smaller id.
 * Combined with a caller's cursor, the lower of the two wins.
 */
export function cursorAtTime(to: string, cursor: string | undefined): string {
  const atTime = idAt(Date.parse(to) + CLOCK_MARGIN_MS + 1);
  return cursor !== undefined && cursor < atTime ? cursor : atTime;
}

/** The id below which every log was created before `from`: a scan stops there. */
export function floorAtTime(from: string): string {
  return idAt(Date.parse(from) - CLOCK_MARGIN_MS);
}

// --- Internal helpers ---

/** The smallest log id of a millisecond (clamped to what a ULID can hold). */
function idAt(ms: number): string {
  const clamped = Math.min(Math.max(0, ms), TIME_MAX);
  return `log_${encodeTime(clamped)}${"0".repeat(16)}`;
}
