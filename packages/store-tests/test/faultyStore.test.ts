import { isAbkitError, type Store } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { faultyStore } from "../src/faultyStore.js";

// Just enough of a store to count what reaches it.
function countingStore() {
  const reached: string[] = [];
  const store = {
    name: "counting",
    capabilities: { crossProcess: false, durable: false },
    async definitionsVersion(projectId: string) {
      reached.push(projectId);
      return reached.length;
    },
    async getProject() {
      return null;
    },
  } as unknown as Store;
  return { store, reached };
}

async function outcomes(store: Store, calls: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 1; i <= calls; i++) {
    seen.push(
      await store.definitionsVersion(`p${i}`).then(
        () => "ok",
        (error: unknown) => (isAbkitError(error) ? error.code : "raw"),
      ),
    );
  }
  return seen;
}

describe("faultyStore", () => {
  it("fails the Nth call once, before the store sees it, with a store_unavailable caused by ECONNRESET", async () => {
    const { store, reached } = countingStore();
    const faulty = faultyStore(store, [{ method: "definitionsVersion", nth: 2 }]);
    const error = await faulty
      .definitionsVersion("a")
      .then(() => faulty.definitionsVersion("b"))
      .catch((e) => e);
    expect(isAbkitError(error) && error.code).toBe("store_unavailable");
    expect((error as Error).cause).toMatchObject({ code: "ECONNRESET" });
    expect(reached).toEqual(["a"]);
    expect(await outcomes(faulty, 2)).toEqual(["ok", "ok"]);
    expect(faulty.faults.calls("definitionsVersion")).toBe(4);
    expect(faulty.faults.failures).toEqual(["definitionsVersion"]);
  });

  it("fails N calls in a row, or until healed; other methods are untouched", async () => {
    const { store } = countingStore();
    const faulty = faultyStore(store, [{ method: "definitionsVersion", times: 3 }]);
    expect(await faulty.getProject("p")).toBeNull();
    expect(await outcomes(faulty, 4)).toEqual([
      "store_unavailable",
      "store_unavailable",
      "store_unavailable",
      "ok",
    ]);
    faulty.faults.inject({ method: "definitionsVersion", times: Number.POSITIVE_INFINITY });
    expect(await outcomes(faulty, 3)).toEqual(Array(3).fill("store_unavailable"));
    faulty.faults.heal();
    expect(await outcomes(faulty, 1)).toEqual(["ok"]);
  });

  it("fails every call for a time window from the first failure", async () => {
    const { store } = countingStore();
    let now = 0;
    const faulty = faultyStore(store, [{ method: "definitionsVersion", forMs: 100 }], {
      now: () => now,
    });
    expect(await outcomes(faulty, 3)).toEqual(Array(3).fill("store_unavailable"));
    now = 99;
    expect(await outcomes(faulty, 1)).toEqual(["store_unavailable"]);
    now = 100;
    expect(await outcomes(faulty, 2)).toEqual(["ok", "ok"]);
  });

  it("with phase after, lets the store do the work and loses the answer; a custom error is thrown as given", async () => {
    const { store, reached } = countingStore();
    const raw = new Error("socket hang up");
    const faulty = faultyStore(store, [
      { method: "definitionsVersion", phase: "after" },
      { method: "getProject", error: () => raw },
    ]);
    expect(await outcomes(faulty, 1)).toEqual(["store_unavailable"]);
    expect(reached).toEqual(["p1"]);
    await expect(faulty.getProject("p")).rejects.toBe(raw);
    expect(faulty.name).toBe("counting");
  });

  it("arms a fault once another method's call has succeeded", async () => {
    const { store } = countingStore();
    const faulty = faultyStore(store, [
      { method: "definitionsVersion", afterCallOf: "getProject", times: 2 },
    ]);
    expect(await outcomes(faulty, 2)).toEqual(["ok", "ok"]);
    await faulty.getProject("p");
    expect(await outcomes(faulty, 3)).toEqual(["store_unavailable", "store_unavailable", "ok"]);
  });
});
