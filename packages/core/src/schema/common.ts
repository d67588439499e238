import * as z from "zod";
import { conditionIssues } from "../conditions/validate.js";

/** A slug naming an experiment, flag, segment or variant, unique in its scope. */
export const keySchema = z
  .string()
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    "must start with a letter or digit and hold only letters, digits, '.', '_', ':' or '-'",
  );

/** A project id: `default` for embedded use, or any slug. */
export const projectIdSchema = keySchema;

/** An environment name such as `production` or `staging`. */
export const environmentSchema = z.string().min(1).max(64);

/** The environment used when none is given. */
export const DEFAULT_ENVIRONMENT = "production";

/** The project embedded users get when they name none. */
export const DEFAULT_PROJECT = "default";

/** Any JSON value: what a variant's `config` or a flag's value may be. NaN and Infinity are not JSON. */
export const jsonSchema = z.json({
  error: "must be JSON: null, a boolean, a finite number, a string, or an array or object of those",
});

/** A JSON value (`null`, boolean, finite number, string, array or object of JSON values). */
export type JsonValue = z.infer<typeof jsonSchema>;

/**
 * A targeting condition in the MongoDB-style language (see docs/targeting.md). Refused when
 * it would silently mis-target: unknown operators, operands that never match, saved groups
 * (not supported yet), patterns RE2 cannot run.
 */
export const conditionSchema = z.record(z.string(), z.json()).superRefine((condition, ctx) => {
  for (const issue of conditionIssues(condition, { savedGroups: false })) {
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
});

/** ISO-8601 timestamp, as stored on every record. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** A finite number (NaN and ±Infinity rejected with a message naming the field). */
export const finiteNumberSchema = z.number().refine(Number.isFinite, "must be a finite number");

/** Free-form text shown to people. */
export const nameSchema = z.string().max(200);
export const descriptionSchema = z.string().max(2000);
