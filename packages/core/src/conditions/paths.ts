// Dotted paths come from conditions, so there are few distinct ones; caching their split form
// keeps `split` off the hot path and hands V8 the same key strings every time.
const PATH_CACHE_LIMIT = 1000;
const isOwn = Object.prototype.hasOwnProperty;
const splitPaths = new Map<string, readonly string[]>();

function splitPath(path: string): readonly string[] {
  let parts = splitPaths.get(path);
  if (parts === undefined) {
    parts = path.split(".");
    if (splitPaths.size >= PATH_CACHE_LIMIT) splitPaths.clear();
    splitPaths.set(path, parts);
  }
  return parts;
}

function readOwn(source: unknown, key: string): unknown {
  // Own properties only: `__proto__`, `constructor` or `prototype` must never resolve to
  // Object.prototype or a constructor, whatever the attributes object inherits.
  if (source !== null && typeof source === "object" && isOwn.call(source, key)) {
    return (source as Record<string, unknown>)[key];
  }
  return null;
}

/**
 * Reads the value at a dot-separated path, or `null` when any step is missing or is not an
 * object. Only own properties are followed.
 */
export function getPath(source: unknown, path: string): unknown {
  if (path.indexOf(".") === -1) return readOwn(source, path);
  const parts = splitPath(path);
  let current = source;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== "object") return null;
    const key = parts[i]!;
    if (!isOwn.call(current, key)) return null;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
