// Dimension values as slice keys: counter-id parts (names) that stand for one value of an
// entity property, for the values past the cap (`other`) or for no value (`none`).

/** The most characters of a dimension value kept; longer values are cut. */
export const MAX_DIMENSION_VALUE_CHARS = 64;
/** The most UTF-8 bytes of a kept value, so that its slice key stays a name (128 chars). */
export const MAX_DIMENSION_VALUE_BYTES = 90;
/**
 * The most distinct values an experiment keeps slices of per dimension; an entity with
 * another value counts under `other` from its first exposure on.
 */
export const MAX_SLICE_VALUES = 200;

/** The slice key of the values past `MAX_SLICE_VALUES`. */
export const OTHER_SLICE = "other";
/** The slice key of entities without a value. */
export const NONE_SLICE = "none";

/** What a slice key stands for. */
export type SliceOf =
  | { kind: "value"; value: string }
  | { kind: "other"; value: null }
  | { kind: "none"; value: null };

/**
 * An entity property as a dimension value: strings as they are, finite numbers and booleans
 * as their string form, cut to `MAX_DIMENSION_VALUE_CHARS` characters (and
 * `MAX_DIMENSION_VALUE_BYTES` bytes of UTF-8); anything else (missing, null, objects, NaN)
 * is no value: null, the `none` slice.
 *
 * @example
 * dimensionValue(3); // "3"
 * dimensionValue(undefined); // null
 */
export function dimensionValue(property: unknown): string | null {
  let text: string;
  if (typeof property === "string") text = property;
  else if (typeof property === "boolean") text = String(property);
  else if (typeof property === "number" && Number.isFinite(property)) text = String(property);
  else return null;
  let kept = "";
  let bytes = 0;
  let chars = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, "utf8");
    if (chars === MAX_DIMENSION_VALUE_CHARS || bytes + size > MAX_DIMENSION_VALUE_BYTES) break;
    kept += char;
    bytes += size;
    chars += 1;
  }
  return kept;
}

/**
 * The slice key of a value: `v` and the value's UTF-8 bytes in base64url (a name, whatever
 * the value holds), `none` for null.
 *
 * @example
 * sliceKey("FR"); // "vRlI"
 * sliceKey(null); // "none"
 */
export function sliceKey(value: string | null): string {
  return value === null ? NONE_SLICE : `v${Buffer.from(value, "utf8").toString("base64url")}`;
}

/**
 * What a slice key stands for; null for a key this version does not know.
 *
 * @example
 * sliceOf("vRlI"); // { kind: "value", value: "FR" }
 */
export function sliceOf(key: string): SliceOf | null {
  if (key === OTHER_SLICE) return { kind: "other", value: null };
  if (key === NONE_SLICE) return { kind: "none", value: null };
  if (!key.startsWith("v") || !/^[A-Za-z0-9_-]*$/.test(key.slice(1))) return null;
  return { kind: "value", value: Buffer.from(key.slice(1), "base64url").toString("utf8") };
}

/** Whether a slice key counts against `MAX_SLICE_VALUES` (it stands for one value). */
export function isValueSlice(key: string): boolean {
  return key !== OTHER_SLICE && key !== NONE_SLICE;
}
