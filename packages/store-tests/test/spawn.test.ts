import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ChildTask } from "../src/child/protocol.js";
import { runChildren } from "../src/child/spawn.js";

const runner = fileURLToPath(new URL("../src/child/runner.ts", import.meta.url));
const module = fileURLToPath(new URL("./support/brokenStores.ts", import.meta.url));
const task: ChildTask = { op: "applyEvents", projectId: "p", batches: [[]] };
const options = { runner, timeoutMs: 30_000 };

// The cross-process cases are only as good as their failure reports: a child that fails
// must fail the test with its own stderr, never hang or pass.
describe("runChildren", () => {
  it("fails with the child's stderr when the module has no such export", async () => {
    const spec = { module, exportName: "missing", args: [] };
    await expect(runChildren(spec, [task, task], options)).rejects.toThrow(
      /--- stderr ---[\s\S]*has no function export "missing"/,
    );
  });

  it("fails with the child's stderr when opening the store throws", async () => {
    const spec = { module, exportName: "unreachableStore", args: ["boom-42"] };
    await expect(runChildren(spec, [task], options)).rejects.toThrow(
      /cannot open the backend: boom-42/,
    );
  });

  it("fails with the child's stderr and the error code when its task fails", async () => {
    const spec = { module: `file://${module}`, exportName: "failingStore", args: [] };
    await expect(runChildren(spec, [task, task, task], options)).rejects.toThrow(
      /code store_unavailable[\s\S]*disk full/,
    );
  });

  it("says so when a store's promise never settles and Node exits", async () => {
    const spec = { module, exportName: "unsettledStore", args: [] };
    await expect(runChildren(spec, [task], options)).rejects.toThrow(/never settled/);
  });

  it("kills the children and fails when they outlive the timeout", async () => {
    const spec = { module, exportName: "hangingStore", args: [] };
    const started = Date.now();
    await expect(runChildren(spec, [task, task], { runner, timeoutMs: 1500 })).rejects.toThrow(
      /timed out after 1500 ms/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
