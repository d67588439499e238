import { describe, expect, it } from "vitest";
import { evalCondition } from "../src/conditions/index.js";
import { VALUE_OPERATORS } from "../src/conditions/operatorNames.js";
import { conditionIssues, MAX_CONDITION_DEPTH } from "../src/conditions/validate.js";
import { conditionSchema } from "../src/schema/common.js";

const noGroups = { savedGroups: false };
const paths = (condition: unknown, options = noGroups) =>
  conditionIssues(condition, options).map((issue) => issue.path.join("."));

describe("conditionIssues", () => {
  it("finds an unknown operator wherever a condition can hold one", () => {
    const typo = { $inn: ["ES"] };
    const cases: [unknown, string][] = [
      [{ country: typo }, "country.$inn"],
      [{ $and: [{ a: 1 }, { country: typo }] }, "$and.1.country.$inn"],
      [{ $or: [{ country: typo }] }, "$or.0.country.$inn"],
      [{ $nor: [{ country: typo }] }, "$nor.0.country.$inn"],
      [{ $not: { country: typo } }, "$not.country.$inn"],
      [{ country: { $not: typo } }, "country.$not.$inn"],
      [{ orders: { $elemMatch: { total: typo } } }, "orders.$elemMatch.total.$inn"],
      [{ orders: { $elemMatch: typo } }, "orders.$elemMatch.$inn"],
      [{ tags: { $all: [typo] } }, "tags.$all.0.$inn"],
      [{ tags: { $size: typo } }, "tags.$size.$inn"],
      // A logical operator under an attribute is not one the evaluator applies there.
      [{ tags: { $elemMatch: { $or: [{ a: 1 }] } } }, "tags.$elemMatch.$or"],
    ];
    for (const [condition, path] of cases) {
      expect(paths(condition), JSON.stringify(condition)).toEqual([path]);
    }
    // Evaluated, a typo matches nobody, and under $not or $nor everybody.
    expect(evalCondition({ country: "ES" }, { country: typo })).toBe(false);
    expect(evalCondition({ country: "FR" }, { $not: { country: typo } })).toBe(true);
    expect(conditionIssues({ country: typo }, noGroups)[0]?.message).toMatch(
      /unknown operator "\$inn"/,
    );
  });

  it("accepts every operator the evaluator implements (one list for both)", () => {
    const operands: Record<string, unknown> = {
      $in: ["a"],
      $nin: ["a"],
      $ini: ["a"],
      $nini: ["a"],
      $all: ["a"],
      $alli: ["a"],
      $elemMatch: { $eq: "a" },
      $size: 1,
      $not: { $eq: "a" },
      $type: "string",
      $regex: "^a",
      $regexi: "^a",
      $exists: true,
      $inGroup: "g",
      $notInGroup: "g",
    };
    for (const op of VALUE_OPERATORS) {
      const operand = op in operands ? operands[op] : op.startsWith("$v") ? "1.0.0" : 1;
      expect(paths({ a: { [op]: operand } }, { savedGroups: true }), op).toEqual([]);
    }
  });

  it("refuses operands that can never match and objects mixing operators with plain keys", () => {
    expect(paths({ c: { $in: "ES" } })).toEqual(["c.$in"]);
    expect(paths({ c: { $all: "x" } })).toEqual(["c.$all"]);
    expect(paths({ c: { $type: "str" } })).toEqual(["c.$type"]);
    expect(paths({ c: { $exists: "yes" } })).toEqual(["c.$exists"]);
    expect(paths({ c: { $vgt: { v: 1 } } })).toEqual(["c.$vgt"]);
    expect(paths({ c: { $regex: "(?=a)" } })).toEqual(["c.$regex"]);
    expect(paths({ c: { $elemMatch: 3 } })).toEqual(["c.$elemMatch"]);
    expect(paths({ $or: { a: 1 } })).toEqual(["$or"]);
    expect(paths({ $not: [1] })).toEqual(["$not"]);
    expect(paths({ c: { $in: ["ES"], other: 1 } })).toEqual(["c"]);
    // Literals, $-prefixed attribute names at the top and plain nested objects stay valid.
    expect(paths({ c: ["ES"], o: { a: { b: 1 } }, $groups: { $elemMatch: { $eq: "a" } } })).toEqual(
      [],
    );
  });

  it("refuses saved-group operators when the caller has no saved groups", () => {
    for (const condition of [
      { id: { $inGroup: "beta" } },
      { id: { $notInGroup: "staff" } },
      { $or: [{ plan: "pro" }, { id: { $not: { $inGroup: "beta" } } }] },
    ]) {
      const issues = conditionIssues(condition, noGroups);
      expect(issues).toHaveLength(1);
      expect(issues[0]?.message).toMatch(/saved groups are not supported yet/);
      expect(conditionIssues(condition, { savedGroups: true })).toEqual([]);
    }
  });

  it("bounds nesting", () => {
    let deep: unknown = { a: 1 };
    for (let i = 0; i < MAX_CONDITION_DEPTH + 1; i++) deep = { $not: deep };
    expect(conditionIssues(deep, noGroups)[0]?.message).toMatch(/nested deeper/);
  });

  it("is what conditionSchema enforces, with paths inside the condition", () => {
    const parsed = conditionSchema.safeParse({ $or: [{ country: { $inn: ["ES"] } }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["$or", 0, "country", "$inn"]);
    expect(conditionSchema.safeParse({ country: { $in: ["ES"] } }).success).toBe(true);
  });
});

describe("saved-group operators evaluated without saved groups", () => {
  // A condition stored before the door refused them: it must not match anybody, not even
  // through $notInGroup or a $not around $inGroup.
  it.each([
    [{ id: { $inGroup: "beta" } }],
    [{ id: { $notInGroup: "staff" } }],
    [{ $not: { id: { $inGroup: "beta" } } }],
    [{ id: { $not: { $inGroup: "beta" } } }],
    [{ $or: [{ id: { $notInGroup: "staff" } }, { plan: "free" }] }],
  ])("%j matches nobody", (condition) => {
    expect(evalCondition({ id: "u1", plan: "pro" }, condition)).toBe(false);
  });

  it("still follows GrowthBook when groups are passed", () => {
    expect(evalCondition({ id: "u1" }, { id: { $notInGroup: "staff" } }, {})).toBe(true);
    expect(evalCondition({ id: "u1" }, { id: { $inGroup: "beta" } }, { beta: ["u1"] })).toBe(true);
  });
});
