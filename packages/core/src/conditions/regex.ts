import { RE2JS } from "re2js";
import { toRe2Syntax } from "./regexSyntax.js";

/** Most compiled patterns kept at once, both flag sets together. */
export const REGEX_CACHE_LIMIT = 1000;

/** Longest `$regex`/`$regexi` pattern a condition may hold, in characters. */
export const MAX_REGEX_PATTERN_LENGTH = 4096;

/**
 * Longest value a pattern is tested against, in UTF-16 code units; a longer value does not
 * match. Matching is linear in the value's length, and this bounds that length too.
 */
export const MAX_REGEX_INPUT_LENGTH = 8192;

/** A compiled pattern: RE2 semantics, matching in time linear in the input. */
export interface CompiledRegex {
  test(input: string): boolean;
}

// Patterns run on RE2JS, a linear-time engine: a JavaScript RegExp backtracks, and a pattern
// such as `(a+)+$` then takes time exponential in the input (seconds at 30 characters).
// Patterns that fail to compile are cached as `null` so a bad pattern costs one try/catch, not
// one per evaluation.
const caseSensitive = new Map<string, CompiledRegex | null>();
const caseInsensitive = new Map<string, CompiledRegex | null>();

/**
 * Why `pattern` cannot be used in a condition, or `null` when it can: it must be a string of
 * at most {@link MAX_REGEX_PATTERN_LENGTH} characters that compiles under RE2's rules.
 */
export function regexProblem(pattern: unknown, ignoreCase: boolean): string | null {
  if (typeof pattern !== "string") return "must be a string (a regular expression)";
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH) {
    return `must be at most ${MAX_REGEX_PATTERN_LENGTH} characters`;
  }
  try {
    compileOrThrow(pattern, ignoreCase);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `is not a supported regular expression (RE2 syntax, linear-time matching): ${reason}`;
  }
}

/** The compiled pattern, or `null` when it is not a valid (RE2) regular expression. */
export function getRegex(pattern: string, ignoreCase: boolean): CompiledRegex | null {
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

// --- Internal helpers ---

function compileOrThrow(pattern: string, ignoreCase: boolean): CompiledRegex {
  return RE2JS.compile(toRe2Syntax(pattern), ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
}

function compile(pattern: string, ignoreCase: boolean): CompiledRegex | null {
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH) return null;
  try {
    return compileOrThrow(pattern, ignoreCase);
  } catch {
    return null;
  }
}

function evictOldest(preferred: Map<string, CompiledRegex | null>): void {
  const target =
    preferred.size > 0 ? preferred : preferred === caseSensitive ? caseInsensitive : caseSensitive;
  const oldest = target.keys().next();
  if (!oldest.done) target.delete(oldest.value);
}
