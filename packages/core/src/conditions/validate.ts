import { isValueOperator, LOGICAL_OPERATORS, VALUE_OPERATORS } from "./operatorNames.js";
import { regexProblem } from "./regex.js";

/** One problem in a condition, at a path inside it. */
export interface ConditionIssue {
  path: (string | number)[];
  message: string;
}

/** What the caller can honour. */
export interface ConditionCheckOptions {
  /** Whether `$inGroup`/`$notInGroup` can be evaluated (saved groups are passed in). */
  savedGroups: boolean;
}

/** Deepest nesting of conditions and operator objects accepted. */
export const MAX_CONDITION_DEPTH = 32;

/**
 * Every problem that would make a condition silently mis-target: an operator the evaluator
 * does not implement (a typo such as `$inn` matches nobody), an operand of a type that never
 * matches (`$in` without a list, a `$regex` RE2 cannot run), an object mixing operators with
 * plain keys (read as a literal, so its operators are ignored), saved-group operators where no
 * groups exist, and nesting deeper than {@link MAX_CONDITION_DEPTH}. Walks the condition as
 * `evalCondition` does, inside `$and`/`$or`/`$nor`/`$not` and `$elemMatch` too.
 *
 * @example
 * conditionIssues({ country: { $inn: ["ES"] } }, { savedGroups: false });
 * // [{ path: ["country", "$inn"], message: 'unknown operator "$inn"; ...' }]
 */
export function conditionIssues(
  condition: unknown,
  options: ConditionCheckOptions,
): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  checkCondition(condition, [], 0, options, issues);
  return issues;
}

// --- Internal helpers ---

type Path = (string | number)[];

const TYPE_NAMES = ["string", "number", "boolean", "array", "object", "null", "undefined"];
const LIST_OPERATORS = new Set(["$in", "$nin", "$ini", "$nini"]);
const VERSION_OPERATORS = new Set(["$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tooDeep(path: Path, depth: number, issues: ConditionIssue[]): boolean {
  if (depth <= MAX_CONDITION_DEPTH) return false;
  issues.push({ path, message: `is nested deeper than ${MAX_CONDITION_DEPTH} levels` });
  return true;
}

function checkCondition(
  condition: unknown,
  path: Path,
  depth: number,
  options: ConditionCheckOptions,
  issues: ConditionIssue[],
): void {
  if (tooDeep(path, depth, issues)) return;
  if (!isRecord(condition)) {
    issues.push({ path, message: "must be a condition object" });
    return;
  }
  for (const key of Object.keys(condition)) {
    const value = condition[key];
    const at = [...path, key];
    if (key === "$and" || key === "$or" || key === "$nor") {
      if (!Array.isArray(value)) {
        issues.push({ path: at, message: "must be a list of conditions" });
        continue;
      }
      value.forEach((item, i) => {
        checkCondition(item, [...at, i], depth + 1, options, issues);
      });
    } else if (key === "$not") {
      checkCondition(value, at, depth + 1, options, issues);
    } else {
      // Any other key is an attribute path, `$`-prefixed ones too (see docs/targeting.md).
      checkValue(value, at, depth + 1, options, issues);
    }
  }
}

/** The value under an attribute path: a literal, or an object of operators. */
function checkValue(
  expected: unknown,
  path: Path,
  depth: number,
  options: ConditionCheckOptions,
  issues: ConditionIssue[],
): void {
  if (tooDeep(path, depth, issues) || !isRecord(expected)) return;
  const keys = Object.keys(expected);
  const operators = keys.filter((key) => key.startsWith("$"));
  if (operators.length === 0) return;
  if (operators.length !== keys.length) {
    const plain = keys.filter((key) => !key.startsWith("$"));
    issues.push({
      path,
      message: `mixes operators (${operators.join(", ")}) with plain keys (${plain.join(", ")}); such an object is compared as a literal and its operators are ignored`,
    });
    return;
  }
  for (const op of operators) {
    checkOperator(op, expected[op], [...path, op], depth, options, issues);
  }
}

function checkOperator(
  op: string,
  operand: unknown,
  path: Path,
  depth: number,
  options: ConditionCheckOptions,
  issues: ConditionIssue[],
): void {
  const problem = (message: string) => issues.push({ path, message });
  if (!isValueOperator(op)) {
    const logical = (LOGICAL_OPERATORS as readonly string[]).includes(op)
      ? ` (${op} combines conditions: use it at the top of a condition, not under an attribute)`
      : "";
    problem(`unknown operator "${op}"${logical}; known operators: ${VALUE_OPERATORS.join(", ")}`);
    return;
  }
  if (LIST_OPERATORS.has(op)) {
    if (!Array.isArray(operand)) problem("must be a list of values");
  } else if (op === "$all" || op === "$alli") {
    if (!Array.isArray(operand)) problem("must be a list of values or operator objects");
    else
      operand.forEach((item, i) => {
        checkValue(item, [...path, i], depth + 1, options, issues);
      });
  } else if (op === "$elemMatch") {
    if (!isRecord(operand)) problem("must be a condition or an operator object");
    // As the evaluator reads it: all-`$` keys are operators on each element, else a condition.
    else if (isOperatorObject(operand)) checkValue(operand, path, depth + 1, options, issues);
    else checkCondition(operand, path, depth + 1, options, issues);
  } else if (op === "$not" || op === "$size") {
    checkValue(operand, path, depth + 1, options, issues);
  } else if (op === "$regex" || op === "$regexi") {
    const reason = regexProblem(operand, op === "$regexi");
    if (reason !== null) problem(reason);
  } else if (op === "$type") {
    if (typeof operand !== "string" || !TYPE_NAMES.includes(operand)) {
      problem(`must be one of ${TYPE_NAMES.join(", ")}`);
    }
  } else if (op === "$exists") {
    if (typeof operand !== "boolean") problem("must be true or false");
  } else if (op === "$inGroup" || op === "$notInGroup") {
    if (!options.savedGroups) {
      problem("saved groups are not supported yet: list the values with $in or $nin instead");
    } else if (typeof operand !== "string" && typeof operand !== "number") {
      problem("must be a saved group id");
    }
  } else if (VERSION_OPERATORS.has(op)) {
    if (typeof operand !== "string" && typeof operand !== "number") {
      problem('must be a version string such as "2.1.0"');
    }
  }
}

/** An object with at least one key, all of them starting with `$` (as the evaluator reads it). */
function isOperatorObject(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  return keys.length > 0 && keys.every((key) => key.startsWith("$"));
}
