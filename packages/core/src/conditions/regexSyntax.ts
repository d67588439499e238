import { RE2JS } from "re2js";

/**
 * Rewrites a JavaScript pattern (as GrowthBook passes it to `new RegExp`, without the `u`
 * flag) into RE2 syntax with the same meaning, so that a linear-time engine can run it.
 *
 * RE2JS's own `translateRegExp` handles named groups, `\uXXXX`, `\cX` and escaped slashes; the
 * few places where RE2 reads the same text differently from JavaScript are fixed here first:
 * `.` (JavaScript also stops at `\r`, U+2028 and U+2029), `\s`/`\S` (JavaScript's set is
 * Unicode whitespace plus U+FEFF), `\p`, `\P` and `\u{` (plain letters without the `u` flag),
 * `[\b]` (a backspace), `[]` and `[^]`. Backreferences (`\1`, `\k<name>`) and lookarounds cannot run in linear
 * time: RE2 rejects them, and so does this function.
 *
 * @throws Error when the pattern cannot be expressed in RE2
 */
export function toRe2Syntax(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      const next = pattern[i + 1];
      i++;
      if (next === undefined) {
        out += "\\";
      } else if (next === "k" && pattern[i + 1] === "<") {
        throw new Error("backreferences (\\k<name>) are not supported");
      } else if (next === "s" || next === "S") {
        out += whitespace(next === "S", inClass);
      } else if (next === "p" || next === "P" || (next === "u" && pattern[i + 1] === "{")) {
        // Without the `u` flag these are the plain letters (`\u{41}` is 41 times "u").
        out += next;
      } else if (next === "b" && inClass) {
        out += "\\x08";
      } else {
        out += `\\${next}`;
      }
    } else if (inClass) {
      if (ch === "]") inClass = false;
      out += ch;
    } else if (ch === "[") {
      // JavaScript reads `[]` as a class matching nothing and `[^]` as one matching anything;
      // RE2 would take that `]` as a literal member.
      const negated = pattern[i + 1] === "^";
      const close = i + (negated ? 2 : 1);
      if (pattern[close] === "]") {
        out += negated ? "(?s:.)" : "[^\\x00-\\x{10FFFF}]";
        i = close;
      } else {
        inClass = true;
        out += negated ? "[^" : "[";
        i = close - 1;
      }
    } else if (ch === ".") {
      out += "[^\\n\\r\\u2028\\u2029]";
    } else {
      out += ch;
    }
  }
  return RE2JS.translateRegExp(out);
}

// JavaScript's \s: ASCII whitespace, every Unicode space separator (\p{Z} covers U+00A0,
// U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) and U+FEFF.
const SPACES = "\\t\\n\\v\\f\\r\\uFEFF\\p{Z}";

function whitespace(negated: boolean, inClass: boolean): string {
  // Inside a class only the positive set can be spliced in; RE2 keeps its own \S there.
  if (inClass) return negated ? "\\S" : SPACES;
  return negated ? `[^${SPACES}]` : `[${SPACES}]`;
}
