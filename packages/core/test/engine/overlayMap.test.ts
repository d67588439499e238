import { describe, expect, it } from "vitest";
import { OverlayMap } from "../../src/engine/evaluation/overlayMap.js";
import { seededRandom } from "../../src/stats/random.js";

describe("OverlayMap", () => {
  it("behaves as a Map under random sets and deletes, and never changes an earlier version", () => {
    const next = seededRandom(7);
    const reference = new Map<string, number>();
    let map = OverlayMap.from<string, number>([]);
    const versions: [OverlayMap<string, number>, [string, number][]][] = [];
    for (let step = 0; step < 5000; step++) {
      const key = `k${Math.floor(next() * 300)}`;
      if (next() < 0.3) {
        reference.delete(key);
        map = map.with(key, undefined);
      } else {
        reference.set(key, step);
        map = map.with(key, step);
      }
      if (step % 97 === 0) versions.push([map, [...reference]]);
      expect(map.get(key)).toBe(reference.get(key));
      expect(map.has(key)).toBe(reference.has(key));
      expect(map.size).toBe(reference.size);
    }
    expect([...map.entries()].sort()).toEqual([...reference.entries()].sort());
    for (const [version, entries] of versions) {
      expect([...version].sort()).toEqual(entries.sort());
      expect(version.size).toBe(entries.length);
    }
  });

  it("keeps the order of its entries: replaced in place, new ones last", () => {
    const map = OverlayMap.from([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ])
      .with("b", 20)
      .with("d", 4)
      .with("a", undefined);
    expect([...map.keys()]).toEqual(["b", "c", "d"]);
    expect([...map.values()]).toEqual([20, 3, 4]);
    const seen: string[] = [];
    map.forEach((value, key) => {
      seen.push(`${key}=${value}`);
    });
    expect(seen).toEqual(["b=20", "c=3", "d=4"]);
  });
});
