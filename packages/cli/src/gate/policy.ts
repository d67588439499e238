import { readFile } from "node:fs/promises";
import * as z from "zod";

/** What `abkit gate` checks, read from a JSON file (docs/cli.md, "abkit gate"). */
export const gatePolicySchema = z.strictObject({
  /** The metric to judge; the experiment's primary metric when absent. */
  metric: z.string().min(1).optional(),
  /** The treatment to judge; every treatment when absent (any harmful one fails). */
  variant: z.string().min(1).optional(),
  /** Passing also needs P(treatment beats control) at least this. */
  minChanceToBeat: z.number().min(0).max(1).optional(),
  /** The interval that must exclude 0: always-valid (safe to read any day) or fixed 95%. */
  interval: z.enum(["always-valid", "fixed"]).default("always-valid"),
  /** Passing also needs at least this many users in the control and in the treatment. */
  minUsers: z.number().int().min(0).optional(),
  /** A guardrail harm fails the gate (on by default). */
  guardrails: z.boolean().default(true),
  /** A sample ratio mismatch fails the gate (on by default). */
  srm: z.boolean().default(true),
  /** `worse`: the metric wholly worse fails; `inconclusive`: not enough data fails too. */
  failOn: z.array(z.enum(["worse", "inconclusive"])).default(["worse"]),
});

/** A policy with its defaults filled in. */
export type GatePolicy = z.output<typeof gatePolicySchema>;

/** A policy file that cannot be read or does not match the schema. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyError";
  }
}

/** Checks a parsed policy, naming every wrong field (`policy.minChanceToBeat: ...`). */
export function parsePolicy(value: unknown, source = "policy"): GatePolicy {
  const parsed = gatePolicySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return `  ${path === "" ? "policy" : `policy.${path}`}: ${issue.message}`;
  });
  throw new PolicyError(`invalid policy in ${source}:\n${problems.join("\n")}`);
}

/** Reads and checks a policy file. */
export async function loadPolicy(path: string): Promise<GatePolicy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyError(`cannot read the policy file ${path}: ${reason}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyError(`the policy file ${path} is not JSON: ${reason}`);
  }
  return parsePolicy(value, path);
}
