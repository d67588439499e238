import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { newEngine, promptExperiment } from "./fixtures.js";

describe("abkit.definitionsVersion", () => {
  it("moves when another engine on the store changes the project's definitions", async () => {
    const store = memoryStore();
    const reader = newEngine(store);
    const writer = newEngine(store);
    const before = await reader.definitionsVersion();
    expect(before).toBe(await store.definitionsVersion("default"));
    await writer.experiments.create(promptExperiment());
    const after = await reader.definitionsVersion();
    expect(after).toBeGreaterThan(before);
    // Another project's changes are its own.
    await writer.forProject("mobile").flags.create({
      key: "dark_mode",
      type: "boolean",
      defaultValue: false,
    });
    expect(await reader.definitionsVersion()).toBe(after);
  });

  it("is refused once the engine is closed", async () => {
    const abkit = newEngine();
    await abkit.close();
    await expect(abkit.definitionsVersion()).rejects.toMatchObject({ code: "closed" });
  });
});
