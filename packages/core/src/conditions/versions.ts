// Both sides of a version comparison are usually drawn from a small set (the versions in
// conditions and the app versions in the field), so the padded forms are cached.
const VERSION_CACHE_LIMIT = 1000;
const padded = new Map<string, string>();

const PREFIX_AND_BUILD = /(^v|\+.*$)/g;
const SEPARATORS = /[-.]/;
const DIGITS = /^[0-9]+$/;

function pad(version: string): string {
  const parts = version.replace(PREFIX_AND_BUILD, "").split(SEPARATORS);
  // "~" sorts after every other printable ASCII character, so a release without a pre-release
  // tag compares greater than the same version with one ("1.0.0" > "1.0.0-beta").
  if (parts.length === 3) parts.push("~");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // Left-padding numbers makes string order agree with numeric order (" 9" < "10").
    if (DIGITS.test(part)) parts[i] = part.padStart(5, " ");
  }
  return parts.join("-");
}

const PADDED_ZERO = pad("0");

/**
 * Turns a version into a string whose plain string order is version order, exactly as
 * GrowthBook's `paddedVersionString` does: a leading `v` and `+build` metadata are dropped,
 * `.` and `-` both separate parts, numeric parts are left-padded to 5 characters and a
 * three-part version gets a `~` suffix. Numbers are read as strings; anything else (and the
 * empty string) counts as `"0"`.
 *
 * @example
 * paddedVersionString("v1.2.3+build.7"); // "    1-    2-    3-~"
 * paddedVersionString("1.10.0") > paddedVersionString("1.9.0"); // true
 */
export function paddedVersionString(input: unknown): string {
  let version: string;
  if (typeof input === "string") {
    if (input === "") return PADDED_ZERO;
    version = input;
  } else if (typeof input === "number") {
    version = `${input}`;
  } else {
    return PADDED_ZERO;
  }
  let result = padded.get(version);
  if (result === undefined) {
    result = pad(version);
    if (padded.size >= VERSION_CACHE_LIMIT) padded.clear();
    padded.set(version, result);
  }
  return result;
}
