import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The conformance file's name inside its folder. */
export const CASES_FILE = "growthbook-cases.json";

export type EvalConditionCase = [
  name: string,
  condition: Record<string, unknown>,
  attributes: Record<string, unknown>,
  expected: boolean,
  savedGroups?: Record<string, unknown[]>,
];
export type HashCase = [seed: string, value: string, version: number, expected: number | null];
export type BucketRangeCase = [
  name: string,
  args: [numVariations: number, coverage: number, weights: number[] | null],
  expected: [number, number][],
];
export type ChooseVariationCase = [
  name: string,
  n: number,
  ranges: [number, number][],
  expected: number,
];
export type InNamespaceCase = [
  name: string,
  id: string,
  namespace: [string, number, number],
  expected: boolean,
];
export type EqualWeightsCase = [numVariations: number, expected: number[]];

/** The sections of GrowthBook's shared case file that abkit must pass. */
export interface GrowthBookCases {
  specVersion: string;
  evalCondition: EvalConditionCase[];
  hash: HashCase[];
  getBucketRange: BucketRangeCase[];
  chooseVariation: ChooseVariationCase[];
  inNamespace: InNamespaceCase[];
  getEqualWeights: EqualWeightsCase[];
}

export type ConformanceLookup =
  | { found: true; file: string; cases: GrowthBookCases }
  | { found: false; searched: string[] };

/** The nearest folder at or above `start` holding pnpm-workspace.yaml. */
export function findRepositoryRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Candidate paths for the case file: `$ABKIT_CONFORMANCE_DIR/growthbook-cases.json` when that
 * variable is set, otherwise `A/shared/conformance/growthbook-cases.json` for every ancestor
 * `A` of the repository root, nearest first.
 */
export function candidatePaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env.ABKIT_CONFORMANCE_DIR;
  if (override) return [join(override, CASES_FILE)];
  const root = findRepositoryRoot(import.meta.dirname);
  if (root === undefined) return [];
  const candidates: string[] = [];
  let dir = root;
  for (let parent = dirname(dir); parent !== dir; parent = dirname(dir)) {
    dir = parent;
    candidates.push(join(dir, "shared", "conformance", CASES_FILE));
  }
  return candidates;
}

/** Finds and parses GrowthBook's conformance cases, or reports where it looked. */
export function locateConformance(env: NodeJS.ProcessEnv = process.env): ConformanceLookup {
  const searched = candidatePaths(env);
  for (const file of searched) {
    if (existsSync(file)) {
      return {
        found: true,
        file,
        cases: JSON.parse(readFileSync(file, "utf8")) as GrowthBookCases,
      };
    }
  }
  return { found: false, searched };
}

/** Rounds down to 8 decimals, as the conformance README asks for floating-point results. */
export function floor8(n: number): number {
  return Math.floor(n * 1e8) / 1e8;
}
