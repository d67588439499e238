import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { authenticateApiKey, type KeyCreateInput } from "../../src/index.js";
import { newEngine, promptExperiment } from "./fixtures.js";

// The engine methods the HTTP API uses instead of reaching the store: seed 002's conversion
// count and the management of API keys.

describe("abkit.conversions", () => {
  async function runningExperiment() {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment());
    await abkit.experiments.start("math-bot-system-prompt-v2");
    return abkit;
  }

  it("counts users with a conversion over every variant, each user once", async () => {
    const abkit = await runningExperiment();
    expect(await abkit.conversions("math-bot-system-prompt-v2")).toBe(0);
    const users = ["u1", "u2", "u3", "u4", "u5", "u6"];
    for (const entityId of users) {
      await abkit.evaluate({ experimentKey: "math-bot-system-prompt-v2", entityId });
    }
    const variants = new Set<string | null>();
    for (const entityId of users) {
      const { variantKey } = await abkit.peek({
        experimentKey: "math-bot-system-prompt-v2",
        entityId,
      });
      variants.add(variantKey);
    }
    expect(variants.size).toBe(2);
    for (const userId of [...users.slice(0, 4), "u1"]) {
      await abkit.trackConversion({ experimentKey: "math-bot-system-prompt-v2", userId });
    }
    // Events of another metric are not conversions.
    await abkit.track([{ entityId: "u6", metricName: "thumbs_up" }]);
    expect(await abkit.conversions("math-bot-system-prompt-v2")).toBe(4);
  });

  it("is not_found for an unknown experiment", async () => {
    const abkit = await runningExperiment();
    await expect(abkit.conversions("no-such-experiment")).rejects.toMatchObject({
      code: "not_found",
      details: { kind: "experiment", key: "no-such-experiment" },
    });
  });

  it("refuses a missing or non-string key with validation_failed", async () => {
    const abkit = await runningExperiment();
    for (const bad of [undefined, "", 42]) {
      await expect(abkit.conversions(bad as unknown as string)).rejects.toMatchObject({
        code: "validation_failed",
      });
    }
  });
});

describe("abkit.keys", () => {
  it("creates a key in the engine's project, lists it and revokes it", async () => {
    const store = memoryStore();
    const abkit = newEngine(store).forProject("shop");
    const { record, plaintext } = await abkit.keys.create({
      organizationId: "acme",
      name: "server",
      scopes: ["admin"],
    });
    expect(record).toMatchObject({ projectId: "shop", organizationId: "acme", name: "server" });
    expect(await store.getProject("shop")).toMatchObject({ organizationId: "acme" });
    expect(await abkit.keys.list("acme")).toEqual([record]);
    expect(await abkit.keys.list("other")).toEqual([]);

    await abkit.keys.revoke("acme", record.id);
    const [revoked] = await abkit.keys.list("acme");
    expect(revoked?.revokedAt).toEqual(expect.any(String));
    await expect(authenticateApiKey(store, plaintext)).rejects.toMatchObject({
      code: "unauthorized",
      message: "the API key was revoked",
    });
  });

  it("creates a key in the project it names", async () => {
    const abkit = newEngine();
    const { record } = await abkit.keys.create({ organizationId: "acme", projectId: "other" });
    expect(record).toMatchObject({ projectId: "other", scopes: ["sdk"] });
  });

  it("is not_found for an unknown key and for another organization's key", async () => {
    const store = memoryStore();
    const abkit = newEngine(store);
    const { record, plaintext } = await abkit.keys.create({ organizationId: "acme" });
    await expect(abkit.keys.revoke("acme", "key_missing")).rejects.toMatchObject({
      code: "not_found",
      details: { kind: "API key", key: "key_missing" },
    });
    await expect(abkit.keys.revoke("globex", record.id)).rejects.toMatchObject({
      code: "not_found",
    });
    // The key still works: the refused revocation changed nothing.
    expect(await authenticateApiKey(store, plaintext)).toEqual(record);
  });

  it("refuses bad input with validation_failed", async () => {
    const abkit = newEngine();
    const cases: (() => Promise<unknown>)[] = [
      () => abkit.keys.create(null as unknown as KeyCreateInput),
      () => abkit.keys.create({ organizationId: "Not A Key!" }),
      () => abkit.keys.create({ organizationId: "acme", scopes: ["root" as "admin"] }),
      () => abkit.keys.list(42 as unknown as string),
      () => abkit.keys.revoke("acme", ""),
      () => abkit.keys.revoke(undefined as unknown as string, "key_1"),
    ];
    for (const call of cases) {
      await expect(call()).rejects.toMatchObject({ code: "validation_failed" });
    }
  });

  it("refuses every key operation once the engine is closed", async () => {
    const abkit = newEngine();
    await abkit.close();
    await expect(abkit.keys.list("acme")).rejects.toMatchObject({ code: "closed" });
    await expect(abkit.conversions("math-bot-system-prompt-v2")).rejects.toMatchObject({
      code: "closed",
    });
  });
});
