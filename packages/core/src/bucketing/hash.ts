/**
 * FNV-1a 32-bit offset basis, stored as its int32 bit pattern so the state stays a small
 * integer in V8; XOR only sees the low 32 bits, so hashes are unchanged.
 */
export const FNV_OFFSET_BASIS = 0x811c9dc5 | 0;

/**
 * Feeds a string's UTF-16 code units into an FNV-1a 32-bit state (an int32; take `>>> 0` for
 * the unsigned hash). Chaining calls hashes the concatenation without building it.
 */
export function fnv1aUpdate(state: number, text: string): number {
  let h = state;
  for (let i = 0, length = text.length; i < length; i++) {
    h ^= text.charCodeAt(i);
    // Multiplication by the FNV prime 16777619 = 1 + 2^1 + 2^4 + 2^7 + 2^8 + 2^24, the same
    // shift-and-add GrowthBook uses. GrowthBook lets the sum grow and relies on the next XOR to
    // wrap it modulo 2^32; `| 0` wraps it right away, which gives identical bits and keeps V8 on
    // int32 arithmetic.
    h = (h + (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24)) | 0;
  }
  return h;
}

const digits = new Uint8Array(10);

/** FNV-1a of `String(n)` for an unsigned 32-bit `n`, without allocating the string. */
function fnv1aOfDecimal(n: number): number {
  let length = 0;
  let rest = n;
  if (rest > 0x7fffffff) {
    // One step in floating point brings the rest into int32 range for the integer loop below.
    const quotient = Math.floor(rest / 10);
    digits[length++] = rest - quotient * 10;
    rest = quotient;
  }
  do {
    const quotient = (rest / 10) | 0;
    digits[length++] = rest - quotient * 10;
    rest = quotient;
  } while (rest > 0);
  let h = FNV_OFFSET_BASIS;
  for (let i = length - 1; i >= 0; i--) {
    h ^= 48 + digits[i]!;
    h = (h + (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24)) | 0;
  }
  return h >>> 0;
}

/** Strings pass through; other values are stringified, as concatenation would. */
export function asString(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

/**
 * Hashes an entity to a number in [0, 1), bit-for-bit as GrowthBook's SDKs do (FNV-1a 32-bit
 * over UTF-16 code units).
 *
 * - version 2: `(fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000`, 4 decimals
 * - version 1: `(fnv1a32(value + seed) % 1000) / 1000`, 3 decimals, kept for old experiments
 *
 * @param seed - the experiment's hash seed (usually its key)
 * @param value - the value of the hash attribute, e.g. the user id
 * @param version - hash version, 1 or 2
 * @returns the hash in [0, 1), or `null` for any other version
 *
 * @example
 * hash("seed", "a", 2); // 0.0505
 * hash("", "a", 1); // 0.22
 * hash("seed", "a", 3); // null
 */
export function hash(seed: string, value: string, version: number): number | null {
  if (version === 2) {
    const inner = fnv1aUpdate(fnv1aUpdate(FNV_OFFSET_BASIS, asString(seed)), asString(value));
    return (fnv1aOfDecimal(inner >>> 0) % 10000) / 10000;
  }
  if (version === 1) {
    const h = fnv1aUpdate(fnv1aUpdate(FNV_OFFSET_BASIS, asString(value)), asString(seed)) >>> 0;
    return (h % 1000) / 1000;
  }
  return null;
}
