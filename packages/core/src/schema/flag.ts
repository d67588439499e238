import * as z from "zod";
import {
  conditionSchema,
  descriptionSchema,
  type JsonValue,
  jsonSchema,
  keySchema,
  nameSchema,
} from "./common.js";
import { patchShape } from "./patch.js";

/** The value type a flag serves. */
export const flagTypeSchema = z.enum(["boolean", "string", "number", "json"]);
export type FlagType = z.output<typeof flagTypeSchema>;

/** A targeting rule: the first rule whose condition matches serves its value. */
export const flagRuleSchema = z.strictObject({
  /** Generated (`rule_<ULID>`) when omitted; reported as `ruleId` by flag evaluation. */
  id: keySchema.optional(),
  /** Matches every entity when empty. */
  condition: conditionSchema.default({}),
  value: jsonSchema,
  /**
   * A name for the value this rule serves (OpenFeature's `variant`); the rule id when
   * omitted. Several rules (and the default) may share one name when they serve one value.
   */
  variant: keySchema.optional(),
});

const flagShape = {
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  type: flagTypeSchema,
  defaultValue: jsonSchema,
  /** A name for the default value (OpenFeature's `variant`); `default` when omitted. */
  defaultVariant: keySchema.optional(),
  /** Switches the targeting rules on; attached experiments follow their own lifecycle. */
  enabled: z.boolean().default(false),
  rules: z.array(flagRuleSchema).max(1000).default([]),
};

/** A complete flag definition, as created or after a patch is applied. */
export const flagInputSchema = z
  .strictObject({ key: keySchema, ...flagShape })
  .superRefine((flag, ctx) => {
    if (!valueMatchesType(flag.type, flag.defaultValue)) {
      ctx.addIssue({ code: "custom", path: ["defaultValue"], message: `must be a ${flag.type}` });
    }
    const ids = new Set<string>();
    flag.rules.forEach((rule, index) => {
      if (!valueMatchesType(flag.type, rule.value)) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", index, "value"],
          message: `must be a ${flag.type}`,
        });
      }
      if (rule.id !== undefined) {
        if (ids.has(rule.id)) {
          ctx.addIssue({
            code: "custom",
            path: ["rules", index, "id"],
            message: `duplicate rule id "${rule.id}"`,
          });
        }
        ids.add(rule.id);
      }
    });
  });

/**
 * A change to a flag; the key and type cannot change. Fields left out keep their stored
 * value (no defaults here: they belong to creation).
 */
export const flagPatchSchema = z.strictObject(patchShape(flagShape)).omit({ type: true });

export type FlagRuleInput = z.input<typeof flagRuleSchema>;
export type FlagInput = z.input<typeof flagInputSchema>;
export type FlagPatch = z.input<typeof flagPatchSchema>;

/** A stored targeting rule (its id always set). */
export interface FlagRule {
  id: string;
  condition: Record<string, unknown>;
  value: JsonValue;
  /** The name of the value served; absent means the rule id. */
  variant?: string;
}

/** A stored flag. Its attached experiments are those whose `flagKey` names it. */
export interface Flag {
  id: string;
  projectId: string;
  key: string;
  name: string;
  description: string;
  type: FlagType;
  defaultValue: JsonValue;
  /** The name of the default value; absent means `default`. */
  defaultVariant?: string;
  enabled: boolean;
  rules: FlagRule[];
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** True when `value` is a valid value for a flag of `type` (`json` takes any JSON). */
export function valueMatchesType(type: FlagType, value: unknown): boolean {
  switch (type) {
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "json":
      return value !== undefined;
  }
}
