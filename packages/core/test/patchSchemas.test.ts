import { describe, expect, it } from "vitest";
import * as z from "zod";
import { experimentPatchSchema, flagPatchSchema, segmentPatchSchema } from "../src/index.js";
import { namedFields, patchShape } from "../src/schema/patch.js";

describe("patch schemas fill in nothing the caller left out", () => {
  it.each([
    ["experiment", experimentPatchSchema],
    ["flag", flagPatchSchema],
    ["segment", segmentPatchSchema],
  ])("an empty %s patch parses to an empty object", (_kind, schema) => {
    expect(schema.parse({})).toEqual({});
  });

  it("a patch naming one field parses to that field alone", () => {
    expect(experimentPatchSchema.parse({ name: "n" })).toEqual({ name: "n" });
    expect(flagPatchSchema.parse({ defaultValue: true })).toEqual({ defaultValue: true });
  });

  it("keeps each field's own checks, and the defaults inside a value it names", () => {
    expect(experimentPatchSchema.safeParse({ coverage: 2 }).success).toBe(false);
    expect(experimentPatchSchema.safeParse({ bogus: 1 }).success).toBe(false);
    expect(experimentPatchSchema.parse({ bandit: {} })).toEqual({
      bandit: { floor: 5, intervalMs: null },
    });
  });

  it("patchShape removes defaults under optional and prefault too", () => {
    const schema = z.strictObject(
      patchShape({
        a: z.number().default(1),
        b: z.string().default("x").optional(),
        c: z.boolean().prefault(true),
        d: z.string(),
      }),
    );
    expect(schema.parse({})).toEqual({});
    expect(schema.parse({ d: "y" })).toEqual({ d: "y" });
  });

  it("namedFields leaves out fields set to undefined", () => {
    expect(namedFields({ a: 1, b: undefined, c: null })).toEqual({ a: 1, c: null });
    expect(Object.keys(namedFields({ b: undefined }))).toEqual([]);
  });
});
