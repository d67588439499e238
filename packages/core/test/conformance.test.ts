import { describe, expect, it } from "vitest";
import {
  chooseVariation,
  getBucketRanges,
  getEqualWeights,
  hash,
  inNamespace,
} from "../src/bucketing/index.js";
import type { Condition } from "../src/conditions/index.js";
import { evalCondition } from "../src/conditions/index.js";
import { floor8, locateConformance } from "./support/conformance.js";

const lookup = locateConformance();

if (!lookup.found) {
  const where = lookup.searched.length > 0 ? lookup.searched.join(", ") : "(no candidate paths)";
  const message = `GrowthBook conformance file not found; looked at: ${where}. Set ABKIT_CONFORMANCE_DIR to the folder holding growthbook-cases.json.`;
  if (process.env.ABKIT_REQUIRE_CONFORMANCE === "1") {
    it("finds the GrowthBook conformance file (required by ABKIT_REQUIRE_CONFORMANCE=1)", () => {
      throw new Error(message);
    });
  } else {
    console.warn(`${message} Skipping the conformance suite.`);
    describe.skip("GrowthBook conformance (skipped: the shared/conformance folder is absent)", () => {
      it("runs GrowthBook's shared cases", () => {});
    });
  }
} else {
  const { cases } = lookup;
  // Names repeat in the file (e.g. "$not - pass"), so each title carries its index.
  const titled = <T extends unknown[]>(rows: T[], label = (row: T) => String(row[0])) =>
    rows.map((row, i): [string, ...T] => [`#${i} ${label(row)}`, ...row]);
  const show = (value: unknown) => JSON.stringify(value);

  describe(`GrowthBook conformance ${cases.specVersion}`, () => {
    describe("evalCondition", () => {
      it.each(titled(cases.evalCondition))(
        "%s",
        (_, __, condition, attributes, expected, groups) => {
          expect(evalCondition(attributes, condition as Condition, groups ?? {})).toBe(expected);
        },
      );
    });

    describe("hash", () => {
      it.each(
        titled(
          cases.hash,
          ([seed, value, version]) => `hash(${show(seed)}, ${show(value)}, ${version})`,
        ),
      )("%s", (_, seed, value, version, expected) => {
        expect(hash(seed, value, version)).toBe(expected);
      });
    });

    describe("getBucketRange", () => {
      it.each(titled(cases.getBucketRange))("%s", (_, __, args, expected) => {
        const [numVariations, coverage, weights] = args;
        const actual = getBucketRanges(numVariations, coverage, weights ?? undefined);
        const round = (ranges: [number, number][]) => ranges.map((r) => r.map(floor8));
        expect(round(actual)).toEqual(round(expected));
      });
    });

    describe("chooseVariation", () => {
      it.each(titled(cases.chooseVariation))("%s", (_, __, n, ranges, expected) => {
        expect(chooseVariation(n, ranges)).toBe(expected);
      });
    });

    describe("inNamespace", () => {
      it.each(titled(cases.inNamespace))("%s", (_, __, id, namespace, expected) => {
        expect(inNamespace(id, namespace)).toBe(expected);
      });
    });

    describe("getEqualWeights", () => {
      it.each(titled(cases.getEqualWeights, ([n]) => `getEqualWeights(${n})`))(
        "%s",
        (_, n, expected) => {
          expect(getEqualWeights(n).map(floor8)).toEqual(expected.map(floor8));
        },
      );
    });
  });
}
