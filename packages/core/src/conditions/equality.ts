// Implicit equality against an object or array is defined, as in GrowthBook, as equality of the
// two JSON serialisations. Plain JSON-like data is compared structurally, which gives the same
// answer without building two strings; anything JSON.stringify would transform or drop (toJSON,
// Dates, undefined members, functions, non-finite numbers, class instances) falls back to
// serialising.

const EQUAL = 0;
const DIFFERENT = 1;
const UNDECIDED = 2;
type Verdict = typeof EQUAL | typeof DIFFERENT | typeof UNDECIDED;

const NOT_CONTAINER = 0;
const ARRAY = 1;
const OBJECT = 2;

/** Strings, booleans, finite numbers and null: serialised one-to-one (0 and -0 aside). */
function isSimpleLeaf(value: unknown): boolean {
  const type = typeof value;
  if (type === "string" || type === "boolean" || value === null) return true;
  return type === "number" && Number.isFinite(value);
}

function containerKind(value: unknown): number {
  if (value === null || typeof value !== "object") return NOT_CONTAINER;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return NOT_CONTAINER;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return proto === Array.prototype ? ARRAY : NOT_CONTAINER;
  return proto === Object.prototype || proto === null ? OBJECT : NOT_CONTAINER;
}

/** Members JSON.stringify leaves out of objects. */
function hasDroppedMember(record: Record<string, unknown>, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const type = typeof record[keys[i]!];
    if (type === "undefined" || type === "function" || type === "symbol") return true;
  }
  return false;
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): Verdict {
  if (a.length !== b.length) return DIFFERENT;
  for (let i = 0; i < a.length; i++) {
    const verdict = compare(a[i], b[i]);
    if (verdict !== EQUAL) return verdict;
  }
  return EQUAL;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): Verdict {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (hasDroppedMember(a, keysA) || hasDroppedMember(b, keysB)) return UNDECIDED;
  if (keysA.length !== keysB.length) return DIFFERENT;
  // Key order matters: JSON.stringify writes keys in Object.keys order.
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i]) return DIFFERENT;
    const verdict = compare(a[key], b[key]);
    if (verdict !== EQUAL) return verdict;
  }
  return EQUAL;
}

function compare(a: unknown, b: unknown): Verdict {
  const simpleA = isSimpleLeaf(a);
  const simpleB = isSimpleLeaf(b);
  if (simpleA && simpleB) return a === b ? EQUAL : DIFFERENT;
  const kindA = simpleA ? NOT_CONTAINER : containerKind(a);
  const kindB = simpleB ? NOT_CONTAINER : containerKind(b);
  if (kindA === ARRAY && kindB === ARRAY) {
    return compareArrays(a as readonly unknown[], b as readonly unknown[]);
  }
  if (kindA === OBJECT && kindB === OBJECT) {
    return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
  }
  // A leaf, an array and an object serialise to text starting differently.
  if ((simpleA || kindA !== NOT_CONTAINER) && (simpleB || kindB !== NOT_CONTAINER)) {
    return DIFFERENT;
  }
  return UNDECIDED;
}

/** Whether `JSON.stringify(a) === JSON.stringify(b)`, without serialising plain data. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const verdict = compare(a, b);
  if (verdict !== UNDECIDED) return verdict === EQUAL;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    // Cycles and BigInts cannot be serialised; GrowthBook would throw here, abkit says "no match".
    return false;
  }
}
