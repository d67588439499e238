/** Most compiled patterns kept at once, both flag sets together. */
export const REGEX_CACHE_LIMIT = 1000;

// Patterns that fail to compile are cached as `null` so a bad pattern costs one try/catch, not
// one per evaluation.
const caseSensitive = new Map<string, RegExp | null>();
const caseInsensitive = new Map<string, RegExp | null>();

function compile(pattern: string, ignoreCase: boolean): RegExp | null {
  try {
    // Escaping unescaped slashes mirrors GrowthBook, so both accept exactly the same patterns.
    return new RegExp(pattern.replace(/([^\\])\//g, "$1\\/"), ignoreCase ? "i" : undefined);
  } catch {
    return null;
  }
}

function evictOldest(preferred: Map<string, RegExp | null>): void {
  const target =
    preferred.size > 0 ? preferred : preferred === caseSensitive ? caseInsensitive : caseSensitive;
  const oldest = target.keys().next();
  if (!oldest.done) target.delete(oldest.value);
}

/** The compiled pattern, or `null` when it is not a valid regular expression. */
export function getRegex(pattern: string, ignoreCase: boolean): RegExp | null {
  const cache = ignoreCase ? caseInsensitive : caseSensitive;
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = compile(pattern, ignoreCase);
    if (regexCacheSize() >= REGEX_CACHE_LIMIT) evictOldest(cache);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** How many compiled patterns are cached right now. */
export function regexCacheSize(): number {
  return caseSensitive.size + caseInsensitive.size;
}
