import { GrowthBookClient, type Experiment as GrowthBookExperiment } from "@growthbook/growthbook";
import { describe, expect, it } from "vitest";
import { percentToFraction, weightFractions } from "../src/bucketing/index.js";
import { compileDefinitions } from "../src/engine/evaluation/compile.js";
import { enroll } from "../src/engine/evaluation/enroll.js";
import { type Experiment, experimentInputSchema } from "../src/schema/experiment.js";
import { seededRandom } from "./support/random.js";

// Differential test against the real GrowthBook SDK (1.8): an experiment ported from
// GrowthBook, with the same seed, hash version, coverage and namespace, and its weights written
// as percentages, puts every entity in the same variant (or in none) as GrowthBook does.

const gb = new GrowthBookClient({});

/** Weights as each side writes them: abkit in percent, GrowthBook as fractions (null: equal). */
const NAMED: { name: string; percent: number[]; fraction: number[] | null }[] = [
  { name: "2.6/97.4", percent: [2.6, 97.4], fraction: [0.026, 0.974] },
  { name: "33.33/33.33/33.34", percent: [33.33, 33.33, 33.34], fraction: [0.3333, 0.3333, 0.3334] },
  { name: "10/20/70", percent: [10, 20, 70], fraction: [0.1, 0.2, 0.7] },
  { name: "50/50", percent: [50, 50], fraction: [0.5, 0.5] },
  { name: "1/99", percent: [1, 99], fraction: [0.01, 0.99] },
  { name: "equal thirds", percent: [100 / 3, 100 / 3, 100 / 3], fraction: null },
  { name: "equal quarters", percent: [25, 25, 25, 25], fraction: null },
  { name: "0.7/29.3/70", percent: [0.7, 29.3, 70], fraction: [0.007, 0.293, 0.7] },
];

/** Where the experiment sits: coverage and an optional namespace slice. */
const PLACEMENTS: { name: string; coverage: number; namespace: [string, number, number] | null }[] =
  [
    { name: "coverage 0.6", coverage: 0.6, namespace: null },
    { name: "namespace 0.2-0.7, coverage 0.87", coverage: 0.87, namespace: ["checkout", 0.2, 0.7] },
    { name: "namespace 0.35-1, coverage 0.33", coverage: 0.33, namespace: ["pricing", 0.35, 1] },
  ];

const IDS = entityIds(100_000);

describe("assignment is GrowthBook 1.8's for ported weights", () => {
  describe.each([1, 2] as const)("hash version %i", (hashVersion) => {
    it.each(NAMED)("$name, full coverage, over 100k ids", ({ percent, fraction }) => {
      expect(
        mismatches(IDS, { percent, fraction, hashVersion, coverage: 1, namespace: null }),
      ).toEqual([]);
    });

    it.each(PLACEMENTS)("$name, every named weight vector", ({ coverage, namespace }) => {
      // An eighth of the ids per vector keeps the run short; each edge bucket is still hit.
      const found = NAMED.flatMap(({ percent, fraction }, index) =>
        mismatches(slice(IDS, index, 8), { percent, fraction, hashVersion, coverage, namespace }),
      );
      expect(found).toEqual([]);
    });

    it("random basis-point weights (2 to 5 variants) with random coverage", () => {
      const random = seededRandom(hashVersion * 7919);
      const found: string[] = [];
      for (let round = 0; round < 30; round++) {
        const basisPoints = randomSplit(random, 2 + Math.floor(random() * 4));
        const coverage = Math.round(random() * 1000) / 1000;
        found.push(
          ...mismatches(slice(IDS, round, 30), {
            // Both literals are written out from the basis points, independently of the code.
            percent: basisPoints.map((bp) => Number(`${Math.floor(bp / 100)}.${pad(bp % 100, 2)}`)),
            fraction: basisPoints.map((bp) => Number(`0.${pad(bp, 4)}`)),
            hashVersion,
            coverage,
            namespace: round % 2 === 0 ? null : ["ns", 0.1, 0.95],
          }),
        );
      }
      expect(found).toEqual([]);
    });
  });
});

describe("weightFractions", () => {
  it("reads each percentage as its decimal literal over 100, not as a float division", () => {
    expect(2.6 / 100).not.toBe(0.026);
    expect(weightFractions([2.6, 97.4])).toEqual([0.026, 0.974]);
    expect(weightFractions([33.33, 33.33, 33.34])).toEqual([0.3333, 0.3333, 0.3334]);
    expect(percentToFraction(1e-7)).toBe(1e-9);
    expect(percentToFraction(0)).toBe(0);
    expect(percentToFraction(100)).toBe(1);
  });

  it("gives all-equal weights GrowthBook's equal weights", () => {
    expect(weightFractions([100 / 3, 100 / 3, 100 / 3])).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(weightFractions([50, 50])).toEqual([0.5, 0.5]);
  });
});

// --- Internal helpers ---

interface Case {
  percent: number[];
  fraction: number[] | null;
  hashVersion: 1 | 2;
  coverage: number;
  namespace: [string, number, number] | null;
}

// Ids where abkit and GrowthBook disagree, with both answers (-1: not in the experiment).
function mismatches(ids: string[], c: Case): string[] {
  const key = `exp-${c.percent.length}-${c.hashVersion}`;
  const compiled = compileDefinitions({
    version: 1,
    experiments: [abkitExperiment(key, c)],
    flags: [],
    segments: [],
  }).experimentsByKey.get(key)!;
  const theirs: GrowthBookExperiment<number> = {
    key,
    variations: c.percent.map((_, index) => index) as [number, number, ...number[]],
    hashVersion: c.hashVersion,
    coverage: c.coverage,
    ...(c.fraction ? { weights: c.fraction } : {}),
    ...(c.namespace ? { namespace: c.namespace } : {}),
  };
  const found: string[] = [];
  for (const id of ids) {
    const result = gb.runInlineExperiment(theirs, { attributes: { id } });
    const expected = result.inExperiment ? result.variationId : -1;
    const enrollment = enroll(compiled, id, {}, "production");
    const actual = enrollment.enrolled ? enrollment.variantIndex : -1;
    if (actual !== expected)
      found.push(`${JSON.stringify(id)}: abkit ${actual}, GrowthBook ${expected}`);
  }
  return found.slice(0, 10);
}

function abkitExperiment(key: string, c: Case): Experiment {
  const definition = experimentInputSchema.parse({
    key,
    variants: c.percent.map((weight, index) => ({ key: `v${index}`, weight })),
    coverage: c.coverage,
    hashVersion: c.hashVersion,
    namespace: c.namespace ? { id: c.namespace[0], range: [c.namespace[1], c.namespace[2]] } : null,
  });
  return {
    ...definition,
    id: `exp_${key}`,
    projectId: "default",
    name: key,
    description: "",
    hashSeed: key,
    status: "running",
    revision: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    stoppedAt: null,
  };
}

// ASCII ids, accented and CJK ids, emoji (surrogate pairs) and lone surrogates: GrowthBook
// hashes UTF-16 code units, so all of them must agree.
function entityIds(count: number): string[] {
  const random = seededRandom(20260101);
  const shapes = [
    (i: number) => `user-${i}`,
    (i: number) => `usér-${i}-ñ`,
    (i: number) => `用户${i}`,
    (i: number) => `${i}😀${i % 97}`,
    (i: number) => `${String.fromCharCode(0xd800 + (i % 1024))}-${i}`,
    (i: number) => `${i.toString(36)}${String.fromCharCode(32 + Math.floor(random() * 0xffdf))}`,
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % shapes.length]!(i));
}

function slice(ids: string[], part: number, parts: number): string[] {
  return ids.filter((_, index) => index % parts === part);
}

// `n` positive integers summing to 10000 (basis points of 100%).
function randomSplit(random: () => number, n: number): number[] {
  const cuts = Array.from({ length: n - 1 }, () => 1 + Math.floor(random() * 9999)).sort(
    (a, b) => a - b,
  );
  const edges = [0, ...cuts, 10000];
  const parts = edges.slice(1).map((edge, index) => edge - edges[index]!);
  return parts.some((part) => part === 0) ? randomSplit(random, n) : parts;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
