import * as z from "zod";

type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;

/** A schema shape whose every field is optional and fills in nothing the caller left out. */
export type PatchShape<S extends z.ZodRawShape> = {
  [K in keyof S]: z.ZodOptional<WithoutDefault<S[K]>>;
};

/**
 * The fields of a patch: each field of `shape` made optional with its default removed. A
 * default belongs to creation only; in a patch it would name a field the caller left out,
 * and merging it would reset that field of the stored record (zod applies a default even
 * under `.partial()`).
 *
 * @example
 * const patchSchema = z.strictObject(patchShape({ coverage: z.number().default(1) }));
 * patchSchema.parse({}); // {}, not { coverage: 1 }
 */
export function patchShape<S extends z.ZodRawShape>(shape: S): PatchShape<S> {
  const fields: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(shape)) {
    fields[name] = withoutDefault(field as z.ZodType).optional();
  }
  return fields as PatchShape<S>;
}

/**
 * The fields a parsed patch names: those set to `undefined` (a JavaScript caller spreading
 * an optional value) are left out, so they keep their stored value.
 */
export function namedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

// --- Internal helpers ---

function withoutDefault(field: z.ZodType): z.ZodType {
  if (field instanceof z.ZodDefault || field instanceof z.ZodPrefault) {
    return withoutDefault(field.unwrap() as z.ZodType);
  }
  if (field instanceof z.ZodOptional) return withoutDefault(field.unwrap() as z.ZodType);
  return field;
}
