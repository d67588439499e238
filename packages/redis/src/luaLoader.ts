import { createHash } from "node:crypto";
import { AbkitError } from "@abkit/core";

/** `--- @include "name"` on a line of its own: the name of a file in `lua/includes/`. */
const INCLUDE = /^-{2,3}[ \t]*@include[ \t]+(["'])(.+?)\1[; \t]*$/;

/**
 * Expands the `@include` lines of a script with the shared functions of `lua/includes/`
 * (themselves expanded the same way). Each include lands once, where it is first named, so
 * two includes sharing a third define it once; a cycle or an unknown name is refused.
 */
export function expandIncludes(
  script: string,
  source: string,
  includes: Readonly<Record<string, string>>,
): string {
  const done = new Set<string>();
  const expand = (text: string, stack: string[]): string =>
    text
      .split("\n")
      .map((line) => {
        const name = INCLUDE.exec(line.trim())?.[2];
        if (name === undefined) return line;
        if (stack.includes(name)) {
          throw loadError(script, `includes form a cycle: ${[...stack, name].join(" -> ")}`);
        }
        if (done.has(name)) return null;
        const body = Object.hasOwn(includes, name) ? includes[name] : undefined;
        if (body === undefined) {
          const from = stack.length > 0 ? `"${stack.at(-1)}"` : "it";
          throw loadError(script, `${from} includes "${name}", which lua/includes/ does not have`);
        }
        done.add(name);
        return expand(body, [...stack, name]).replace(/\n+$/, "");
      })
      .filter((line) => line !== null)
      .join("\n");
  return expand(source, []);
}

/**
 * The version a script is registered under: a digest of its expanded text, so a changed
 * script never shares a command name with an older release's on the same client.
 */
export function scriptVersion(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

function loadError(script: string, reason: string): AbkitError {
  return new AbkitError("internal", `redis store: Lua script ${script}: ${reason}`, {
    details: { script },
  });
}
