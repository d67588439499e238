import { asString, FNV_OFFSET_BASIS, fnv1aUpdate } from "./hash.js";

/**
 * A namespace slice: `[namespaceId, start, end]`, with `start`/`end` in [0, 1]. Experiments
 * sharing a namespace id with non-overlapping slices never share an entity.
 */
export type NamespaceTuple = [string, number, number];

/**
 * Whether an entity falls in a namespace slice: its version-1 hash with seed `"__" + id` lies
 * in `[start, end)`, exactly as `hash("__" + id, hashValue, 1)` would give.
 *
 * @param hashValue - the value of the experiment's hash attribute, e.g. the user id
 * @param namespace - `[namespaceId, start, end]`
 *
 * @example
 * inNamespace("1", ["namespace1", 0.4, 1]); // true
 * inNamespace("1", ["namespace1", 0, 0.4]); // false
 */
export function inNamespace(hashValue: string, namespace: Readonly<NamespaceTuple>): boolean {
  // Streams hashValue + "__" + id into the hash instead of building the seed string.
  let h = fnv1aUpdate(FNV_OFFSET_BASIS, asString(hashValue));
  h = fnv1aUpdate(h, "__");
  h = fnv1aUpdate(h, asString(namespace[0]));
  const n = ((h >>> 0) % 1000) / 1000;
  return n >= namespace[1] && n < namespace[2];
}
