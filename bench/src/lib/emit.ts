/** What a case prints: one JSON line, the last line of its stdout. */
export interface CaseResult {
  /** e.g. `evaluate/memory/match`. */
  name: string;
  value: number;
  unit: string;
  /** Anything else worth recording (sanity checks, counts). */
  extra?: Record<string, unknown>;
}

export function emit(result: CaseResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs a case's main, prints a failure on stderr and exits non-zero when it throws. */
export function main(work: () => Promise<void>): void {
  work().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
