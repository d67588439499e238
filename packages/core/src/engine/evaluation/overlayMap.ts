/**
 * An immutable map for snapshots that change one entry at a time: `with` returns a new map
 * sharing this one's entries, with the change kept in a small overlay. The overlay is folded
 * into a new base once it outgrows √size, so a change costs O(√n) amortized instead of the
 * O(n) of copying a Map, and a reader holding the old map never sees the change.
 *
 * @example
 * const a = OverlayMap.from([["es", 1]]);
 * const b = a.with("fr", 2).with("es", undefined);
 * a.get("es"); // 1
 * [...b.keys()]; // ["fr"]
 */
export class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly changes: ReadonlyMap<K, V | typeof REMOVED>,
    readonly size: number,
  ) {}

  /** A map of `entries`, in their order. */
  static from<K, V>(entries: Iterable<readonly [K, V]>): OverlayMap<K, V> {
    const base = new Map(entries);
    return new OverlayMap(base, new Map(), base.size);
  }

  get(key: K): V | undefined {
    if (!this.changes.has(key)) return this.base.get(key);
    const value = this.changes.get(key);
    return value === REMOVED ? undefined : value;
  }

  has(key: K): boolean {
    return this.changes.has(key) ? this.changes.get(key) !== REMOVED : this.base.has(key);
  }

  /** This map with `key` set to `value`, or removed when `value` is undefined. */
  with(key: K, value: V | undefined): OverlayMap<K, V> {
    const size = this.size + (value === undefined ? 0 : 1) - (this.has(key) ? 1 : 0);
    const changes = new Map(this.changes);
    changes.set(key, value === undefined ? REMOVED : value);
    const next = new OverlayMap(this.base, changes, size);
    if (changes.size <= Math.max(MIN_OVERLAY, Math.sqrt(this.base.size))) return next;
    return OverlayMap.from(next.entries());
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      if (!this.changes.has(key)) yield [key, value];
      else {
        const changed = this.changes.get(key);
        if (changed !== REMOVED) yield [key, changed as V];
      }
    }
    for (const [key, changed] of this.changes) {
      if (changed !== REMOVED && !this.base.has(key)) yield [key, changed];
    }
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

// --- Internal helpers ---

const REMOVED: unique symbol = Symbol("removed");
const MIN_OVERLAY = 16;
