import { describe, expect, it } from "vitest";
import { memoryStore } from "../src/index.js";

// What every store must do is in contract.test.ts (@abkit/store-tests); these are the
// memory store's own promises.
describe("memoryStore", () => {
  it("declares that it is neither shared between processes nor durable", () => {
    const store = memoryStore();
    expect(store.name).toBe("memory");
    expect(store.capabilities).toEqual({ crossProcess: false, durable: false });
  });

  it("keeps each store's state to itself", async () => {
    const [a, b] = [memoryStore(), memoryStore()];
    await a.createProject({ id: "p", organizationId: "acme", name: "P", createdAt: "" });
    expect(await b.getProject("p")).toBeNull();
    await a.close();
    expect(await b.listProjects("acme")).toEqual([]);
  });
});
