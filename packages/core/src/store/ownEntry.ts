// For store authors: safe access to records keyed by user data (metric names, days), which
// may be `constructor` or `__proto__`.

/**
 * For store authors: `record[key]`, created by `create` when absent. Reads only own
 * properties and defines new ones, so keys such as `constructor` or `__proto__` are plain
 * data, never the prototype's.
 *
 * @example
 * ownEntry(metrics, row.metric_name, () => ({})).control = aggregate;
 */
export function ownEntry<T>(record: Record<string, T>, key: string, create: () => NoInfer<T>): T {
  if (Object.hasOwn(record, key)) return record[key] as T;
  const value = create();
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return value;
}
