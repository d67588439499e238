import { describe, expect, it } from "vitest";
import type { BucketRange } from "../src/bucketing/index.js";
import {
  chooseVariation,
  getBucketRanges,
  getEqualWeights,
  hash,
  inNamespace,
} from "../src/bucketing/index.js";

/** Textbook FNV-1a 32-bit over UTF-16 code units, written independently of the module. */
function referenceFnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

/** The same over UTF-8 bytes, which is what GrowthBook does NOT do. */
function utf8Fnv(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  }
  return h;
}

const referenceV2 = (seed: string, value: string) =>
  (referenceFnv(String(referenceFnv(seed + value))) % 10000) / 10000;
const referenceV1 = (seed: string, value: string) => (referenceFnv(value + seed) % 1000) / 1000;

describe("hash", () => {
  it("hashes UTF-16 code units, so an emoji counts as two units", () => {
    const id = "usér-😀-42";
    expect("😀".length).toBe(2);
    expect(hash("checkout", id, 2)).toBe(referenceV2("checkout", id));
    expect(hash("checkout", id, 1)).toBe(referenceV1("checkout", id));
    // Hashing UTF-8 bytes would give a different number, hence a different bucket.
    expect(referenceFnv(`checkout${id}`)).not.toBe(utf8Fnv(`checkout${id}`));
  });

  it("agrees with the reference for many ids, seeds and both versions", () => {
    const mismatches: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const seed = `exp-${i % 17}`;
      const id = i % 3 === 0 ? `user-${i}` : `${i * 7919}-ü-${i}`;
      if (hash(seed, id, 2) !== referenceV2(seed, id)) mismatches.push(`v2 ${seed} ${id}`);
      if (hash(seed, id, 1) !== referenceV1(seed, id)) mismatches.push(`v1 ${seed} ${id}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("returns null for unknown versions", () => {
    expect(hash("s", "v", 0)).toBeNull();
    expect(hash("s", "v", 3)).toBeNull();
  });
});

describe("bucketing", () => {
  it("splits 100k ids within 1% of 50/50", () => {
    const ranges = getBucketRanges(2, 1);
    const counts = [0, 0];
    const total = 100_000;
    for (let i = 0; i < total; i++) {
      const n = hash("homepage-cta", `user-${i}`, 2);
      if (n === null) throw new Error("hash version 2 must be supported");
      const variation = chooseVariation(n, ranges);
      counts[variation] = (counts[variation] ?? 0) + 1;
    }
    expect(counts[0]! + counts[1]!).toBe(total);
    expect(Math.abs(counts[0]! / total - 0.5)).toBeLessThan(0.01);
  });

  it("falls back to equal weights and clamps coverage", () => {
    expect(getBucketRanges(2, 1, [0.9, 0.3])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(getBucketRanges(3, 1, [0.5, 0.5])).toHaveLength(3);
    expect(getBucketRanges(2, Number.NaN)).toEqual([
      [0, 0],
      [0.5, 0.5],
    ]);
    expect(getBucketRanges(2, 7, [0.25, 0.75])).toEqual([
      [0, 0.25],
      [0.25, 1],
    ]);
  });

  it("converts percentage weights once divided by 100", () => {
    const percentages = [10, 30, 60];
    const ranges = getBucketRanges(
      3,
      1,
      percentages.map((p) => p / 100),
    );
    expect(ranges.map(([start, end]) => Math.round((end - start) * 100))).toEqual(percentages);
  });

  it("uses half-open ranges and -1 outside coverage", () => {
    const ranges: readonly BucketRange[] = getBucketRanges(2, 0.5);
    expect(chooseVariation(0, ranges)).toBe(0);
    expect(chooseVariation(0.25, ranges)).toBe(-1);
    expect(chooseVariation(0.5, ranges)).toBe(1);
    expect(chooseVariation(0.75, ranges)).toBe(-1);
    expect(chooseVariation(0.5, [])).toBe(-1);
  });

  it("gives equal weights for whole numbers of variations only", () => {
    expect(getEqualWeights(2.9)).toEqual([0.5, 0.5]);
    expect(getEqualWeights(Number.NaN)).toEqual([]);
    expect(getEqualWeights(3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe("inNamespace", () => {
  it("matches a version-1 hash seeded with __ + namespace id", () => {
    for (let i = 0; i < 1000; i++) {
      const id = `user-${i}`;
      const n = hash("__pricing", id, 1)!;
      expect(inNamespace(id, ["pricing", 0, 0.5])).toBe(n < 0.5);
      expect(inNamespace(id, ["pricing", 0.5, 1])).toBe(n >= 0.5);
    }
  });
});
