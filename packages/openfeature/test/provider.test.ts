import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Abkit, createAbkit, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { sqliteStore } from "@abkit/sqlite";
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from "@openfeature/server-sdk";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbkitProvider } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "abkit-openfeature-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const stores: Record<string, () => Store> = {
  memory: () => memoryStore(),
  sqlite: () => sqliteStore({ path: join(dir, `flags-${files++}.db`) }),
};

afterEach(async () => {
  OpenFeature.clearHandlers();
  await OpenFeature.clearProviders();
});

/** A string flag with a rule for ES, and a 50/50 experiment attached to `checkout_flow`. */
async function seed(abkit: Abkit) {
  await abkit.flags.create({
    key: "new_banner",
    type: "boolean",
    defaultValue: false,
    enabled: true,
    rules: [{ id: "spain", condition: { country: "ES" }, value: true }],
  });
  await abkit.flags.create({ key: "off_flag", type: "number", defaultValue: 3, enabled: false });
  await abkit.flags.create({
    key: "limits",
    type: "json",
    defaultValue: { max: 10 },
    enabled: true,
    rules: [{ id: "list", condition: { plan: "list" }, value: [1, 2] }],
  });
  await abkit.flags.create({ key: "checkout_flow", type: "string", defaultValue: "control" });
  await abkit.experiments.create({
    key: "checkout-flow-test",
    variants: [
      { key: "control", weight: 50, config: "old_checkout" },
      { key: "treatment", weight: 50, config: "new_checkout" },
    ],
    metrics: [{ name: "conversion", kind: "binomial", primary: true }],
  });
  await abkit.flags.attach("checkout_flow", "checkout-flow-test");
  await abkit.experiments.start("checkout-flow-test");
}

describe.each(Object.keys(stores))("AbkitProvider on the %s store", (storeName) => {
  let store: Store;
  let abkit: Abkit;
  let provider: AbkitProvider;

  beforeEach(async () => {
    store = stores[storeName]!();
    abkit = createAbkit({ store });
    await seed(abkit);
    provider = new AbkitProvider(abkit, { pollIntervalMs: 50 });
    await OpenFeature.setProviderAndWait(provider);
  });

  afterEach(async () => {
    await OpenFeature.clearProviders();
    await abkit.close();
    await store.close();
  });

  it("serves a matching rule as TARGETING_MATCH, its id as the variant", async () => {
    const details = await OpenFeature.getClient().getBooleanDetails("new_banner", false, {
      targetingKey: "usr_1",
      country: "ES",
    });
    expect(details).toMatchObject({ value: true, reason: "TARGETING_MATCH", variant: "spain" });
    expect(details.flagMetadata).toMatchObject({ ruleId: "spain" });
    expect(details.errorCode).toBeUndefined();
  });

  it("serves the default as DEFAULT, and a disabled flag as DISABLED with the caller's default", async () => {
    const client = OpenFeature.getClient();
    const fallback = await client.getBooleanDetails("new_banner", true, { country: "FR" });
    expect(fallback).toMatchObject({ value: false, reason: "DEFAULT", variant: "default" });
    const off = await client.getNumberDetails("off_flag", 9, { targetingKey: "usr_1" });
    expect(off).toMatchObject({ value: 9, reason: "DISABLED" });
    expect(off.variant).toBeUndefined();
    expect(off.errorCode).toBeUndefined();
  });

  it("serves a flag with no rules and no experiment as STATIC", async () => {
    await abkit.flags.create({
      key: "static_limit",
      type: "number",
      defaultValue: 4,
      enabled: true,
    });
    const client = OpenFeature.getClient();
    const details = await client.getNumberDetails("static_limit", 0, { targetingKey: "usr_1" });
    expect(details).toMatchObject({ value: 4, reason: "STATIC", variant: "default" });
    // A draft experiment attached may start at any time: no longer static.
    await abkit.experiments.create({
      key: "limit-test",
      variants: [
        { key: "four", weight: 50, config: 4 },
        { key: "eight", weight: 50, config: 8 },
      ],
    });
    await abkit.flags.attach("static_limit", "limit-test");
    const attached = await client.getNumberDetails("static_limit", 0, { targetingKey: "usr_1" });
    expect(attached).toMatchObject({ value: 4, reason: "DEFAULT" });
  });

  it("names variants by the rule's and the default's variant names when set", async () => {
    await abkit.flags.create({
      key: "tone",
      type: "string",
      defaultValue: "plain",
      defaultVariant: "plain_tone",
      enabled: true,
      rules: [
        { id: "vip_rule", condition: { vip: true }, value: "warm", variant: "warm_tone" },
        { id: "beta_rule", condition: { beta: true }, value: "warm", variant: "warm_tone" },
        { id: "staff", condition: { staff: true }, value: "dry" },
      ],
    });
    const client = OpenFeature.getClient();
    const named = async (context: Record<string, boolean>) =>
      (await client.getStringDetails("tone", "x", context)).variant;
    expect(await named({ vip: true })).toBe("warm_tone");
    expect(await named({ beta: true })).toBe("warm_tone");
    expect(await named({ staff: true })).toBe("staff");
    expect(await named({})).toBe("plain_tone");
  });

  it("serves objects and arrays as object flags", async () => {
    const client = OpenFeature.getClient();
    expect(await client.getObjectValue("limits", {})).toEqual({ max: 10 });
    const list = await client.getObjectDetails("limits", {}, { plan: "list" });
    expect(list).toMatchObject({ value: [1, 2], reason: "TARGETING_MATCH", variant: "list" });
  });

  it("serves a running experiment's variant as SPLIT, with metadata naming it", async () => {
    const client = OpenFeature.getClient();
    const seen = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const details = await client.getStringDetails("checkout_flow", "fallback", {
        targetingKey: `usr_${i}`,
      });
      expect(details.reason).toBe("SPLIT");
      expect(details.flagMetadata).toEqual({
        abkitReason: "experiment",
        experimentKey: "checkout-flow-test",
        variantKey: details.variant,
      });
      seen.set(details.variant!, details.value);
    }
    expect(Object.fromEntries(seen)).toEqual({
      control: "old_checkout",
      treatment: "new_checkout",
    });
    // Sticky: the same entity gets the same variant again.
    const first = await client.getStringDetails("checkout_flow", "x", { targetingKey: "usr_0" });
    for (let i = 0; i < 3; i++) {
      const again = await client.getStringDetails("checkout_flow", "x", { targetingKey: "usr_0" });
      expect(again.variant).toBe(first.variant);
    }
  });

  it("reports FLAG_NOT_FOUND and TYPE_MISMATCH with the caller's default, never throwing", async () => {
    const client = OpenFeature.getClient();
    const missing = await client.getStringDetails("nope", "fallback", { targetingKey: "u" });
    expect(missing).toMatchObject({
      value: "fallback",
      reason: "ERROR",
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
    const mismatch = await client.getNumberDetails("new_banner", 7, { country: "ES" });
    expect(mismatch).toMatchObject({
      value: 7,
      reason: "ERROR",
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(mismatch.errorMessage).toContain("boolean");
    const notObject = await client.getObjectDetails("new_banner", { a: 1 }, {});
    expect(notObject).toMatchObject({ value: { a: 1 }, errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it("records client.track as an abkit event that counts in the results", async () => {
    const client = OpenFeature.getClient();
    const user = { targetingKey: "usr_7" };
    const { variant } = await client.getStringDetails("checkout_flow", "control", user);
    client.track("conversion", user, { value: 1, idempotencyKey: "order_1" });
    client.track("conversion", user, { value: 1, idempotencyKey: "order_1" }); // a repeat
    await provider.flush();

    const results = await abkit.results("checkout-flow-test");
    const conversion = results.metrics.find((metric) => metric.name === "conversion");
    const row = conversion?.variants.find((v) => v.variantKey === variant);
    expect(row).toMatchObject({ users: 1, usersWithEvents: 1 });
    const others = conversion?.variants.filter((v) => v.variantKey !== variant) ?? [];
    expect(others.every((v) => v.usersWithEvents === 0)).toBe(true);
  });

  it("ignores track without a targetingKey, with a warning, and never throws", async () => {
    const warn = vi.fn();
    const quiet = new AbkitProvider(abkit, { logger: { warn } });
    await OpenFeature.setProviderAndWait("quiet", quiet);
    const client = OpenFeature.getClient("quiet");
    expect(() => client.track("conversion", {}, { value: 1 })).not.toThrow();
    expect(() => client.track("not a valid metric!", { targetingKey: "u" })).not.toThrow();
    await quiet.flush();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toContain("without a targetingKey");
  });

  it("emits CONFIGURATION_CHANGED when another engine changes a flag", async () => {
    const other = createAbkit({ store });
    const changed = vi.fn();
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, changed);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(changed).not.toHaveBeenCalled(); // nothing changed yet
    await other.flags.update("off_flag", { enabled: true });
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1), { timeout: 5000 });
    expect(changed.mock.calls[0]?.[0]).toMatchObject({ providerName: "abkit" });
  });

  it("emits CONFIGURATION_CHANGED only once the engine serves the new values", async () => {
    // The engine's own refresh interval (1 s) is far longer than the provider's poll.
    const other = createAbkit({ store });
    const seen: number[] = [];
    const client = OpenFeature.getClient();
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, async () => {
      seen.push(await client.getNumberValue("off_flag", -1, { targetingKey: "usr_1" }));
    });
    await other.flags.update("off_flag", { enabled: true, defaultValue: 11 });
    await vi.waitFor(() => expect(seen).toEqual([11]), { timeout: 5000 });
  });

  it("emits ERROR with an error code when the store fails during a poll", async () => {
    const errored = vi.fn();
    OpenFeature.addHandler(ProviderEvents.Error, errored);
    await store.close();
    await vi.waitFor(() => expect(errored).toHaveBeenCalledTimes(1), { timeout: 5000 });
    expect(errored.mock.calls[0]?.[0]).toMatchObject({ errorCode: ErrorCode.GENERAL });
    expect(errored.mock.calls[0]?.[0].message).toContain("abkit poll failed");
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.ERROR);
  });
});

describe("AbkitProvider lifecycle", () => {
  it("rejects initialize when the store is down: the provider is in ERROR", async () => {
    const store = memoryStore();
    const abkit = createAbkit({ store });
    await store.close();
    await expect(OpenFeature.setProviderAndWait(new AbkitProvider(abkit))).rejects.toThrow();
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.ERROR);
  });

  it("emits READY again when a failing store recovers, and sees fresh values", async () => {
    const store = memoryStore();
    let down = false;
    const flaky = new Proxy(store, {
      get(target, key, receiver) {
        if (key === "definitionsVersion" && down) {
          return () => Promise.reject(new Error("connection reset"));
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const abkit = createAbkit({ store: flaky, refreshIntervalMs: 0 });
    await seed(abkit);
    const provider = new AbkitProvider(abkit, { pollIntervalMs: 50 });
    await OpenFeature.setProviderAndWait(provider);
    const events: string[] = [];
    for (const event of [ProviderEvents.Ready, ProviderEvents.Error]) {
      OpenFeature.addHandler(event, () => events.push(event));
    }
    events.length = 0; // a READY handler added after ready runs at once

    down = true;
    await vi.waitFor(() => expect(events).toEqual([ProviderEvents.Error]), { timeout: 5000 });
    down = false;
    await vi.waitFor(() => expect(events).toEqual([ProviderEvents.Error, ProviderEvents.Ready]), {
      timeout: 5000,
    });

    await createAbkit({ store }).flags.update("off_flag", { defaultValue: 5, enabled: true });
    await new Promise((resolve) => setTimeout(resolve, 120));
    const client = OpenFeature.getClient();
    expect(await client.getNumberValue("off_flag", 0)).toBe(5);
    await OpenFeature.clearProviders();
    await abkit.close();
  });

  it("recovers when the store is down at start: polling starts anyway and READY follows", async () => {
    const store = memoryStore();
    await seed(createAbkit({ store }));
    let down = true;
    const flaky = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (down && typeof value === "function" && key !== "close") {
          return () => Promise.reject(new Error("connection refused"));
        }
        return value;
      },
    });
    const abkit = createAbkit({ store: flaky });
    const ready = vi.fn();
    OpenFeature.addHandler(ProviderEvents.Ready, ready);
    await expect(
      OpenFeature.setProviderAndWait(new AbkitProvider(abkit, { pollIntervalMs: 30 })),
    ).rejects.toThrow(/unreachable at start/);
    const client = OpenFeature.getClient();
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    ready.mockClear();

    down = false;
    await vi.waitFor(() => expect(ready).toHaveBeenCalledTimes(1), { timeout: 5000 });
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    const details = await client.getBooleanDetails("new_banner", false, { country: "ES" });
    expect(details).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    await OpenFeature.clearProviders();
    await abkit.close();
  });

  it("stops polling on close", async () => {
    const store = memoryStore();
    const abkit = createAbkit({ store });
    const provider = new AbkitProvider(abkit, { pollIntervalMs: 20 });
    await OpenFeature.setProviderAndWait(provider);
    await OpenFeature.close();
    const spy = vi.spyOn(store, "definitionsVersion");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(spy).not.toHaveBeenCalled();
  });
});
