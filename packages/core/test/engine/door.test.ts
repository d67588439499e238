import { memoryStore } from "@abkit/memory";
import { beforeEach, describe, expect, it } from "vitest";
import { type Abkit, createAbkit, isAbkitError } from "../../src/index.js";
import { newEngine, promptExperiment } from "./fixtures.js";

/** Resolves to the error code a call fails with (or "no error"). */
async function codeOf(call: () => unknown): Promise<string> {
  try {
    await call();
    return "no error";
  } catch (error) {
    return isAbkitError(error) ? error.code : `raw ${(error as Error).name}`;
  }
}

// Calls as untyped JavaScript would make them.
type Loose = any;

describe("bad arguments to every public engine method fail with validation_failed", () => {
  let abkit: Abkit;
  beforeEach(async () => {
    abkit = newEngine();
    await abkit.experiments.create(promptExperiment({ key: "e" }));
  });

  const calls: Record<string, (engine: Loose, bad: unknown) => unknown> = {
    evaluate: (engine, bad) => engine.evaluate(bad),
    peek: (engine, bad) => engine.peek(bad),
    "evaluate environment": (engine, bad) =>
      engine.evaluate({ experimentKey: "e", entityId: "u", environment: bad ?? 0 }),
    evaluateFlags: (engine, bad) => engine.evaluateFlags(bad ?? 0),
    "evaluateFlags entityId": (engine, bad) => engine.evaluateFlags({ entityId: bad ?? 0 }),
    evaluateFlag: (engine, bad) => engine.evaluateFlag(bad),
    "evaluateFlag options": (engine, bad) => engine.evaluateFlag("f", bad ?? 0),
    // An empty batch is a valid no-op.
    track: (engine, bad) => engine.track(Array.isArray(bad) ? {} : bad),
    trackConversion: (engine, bad) => engine.trackConversion(bad),
    log: (engine, bad) => engine.log(bad, { variantKey: "control" }),
    "log input": (engine, bad) => engine.log("e", bad),
    logs: (engine, bad) => engine.logs(bad),
    "logs options": (engine, bad) => engine.logs("e", bad ?? 0),
    results: (engine, bad) => engine.results(bad),
    "results options": (engine, bad) => engine.results("e", bad ?? 0),
    forProject: (engine, bad) => engine.forProject(bad),
    "experiments.create": (engine, bad) => engine.experiments.create(bad),
    "experiments.get": (engine, bad) => engine.experiments.get(bad),
    "experiments.list": (engine, bad) => engine.experiments.list(bad ?? 0),
    "experiments.update": (engine, bad) => engine.experiments.update(bad, { name: "x" }),
    "experiments.update patch": (engine, bad) => engine.experiments.update("e", bad),
    "experiments.start": (engine, bad) => engine.experiments.start(bad),
    "experiments.stop": (engine, bad) => engine.experiments.stop(bad),
    "experiments.rebalance": (engine, bad) => engine.experiments.rebalance(bad),
    "flags.create": (engine, bad) => engine.flags.create(bad),
    "flags.get": (engine, bad) => engine.flags.get(bad),
    "flags.update": (engine, bad) => engine.flags.update(bad, { enabled: true }),
    "flags.attach": (engine, bad) => engine.flags.attach(bad, "e"),
    "flags.attach experiment": (engine, bad) => engine.flags.attach("f", bad),
    "flags.experiments": (engine, bad) => engine.flags.experiments(bad),
    "segments.create": (engine, bad) => engine.segments.create(bad),
    "segments.get": (engine, bad) => engine.segments.get(bad),
    "segments.update": (engine, bad) => engine.segments.update(bad, { name: "x" }),
    "segments.delete": (engine, bad) => engine.segments.delete(bad),
    "holdouts.create": (engine, bad) => engine.holdouts.create(bad),
  };

  it.each(Object.keys(calls))("%s", async (name) => {
    const call = calls[name]!;
    for (const bad of [undefined, null, 42, [], true]) {
      expect(await codeOf(() => call(abkit, bad)), `${name}(${JSON.stringify(bad)})`).toBe(
        "validation_failed",
      );
    }
  });

  it("names the problem in a zod-shaped message", async () => {
    await expect((abkit.evaluate as Loose)()).rejects.toMatchObject({
      code: "validation_failed",
      message: "Invalid evaluate options: must be an object, got undefined",
      details: { issues: [{ code: "custom", path: [] }] },
    });
  });
});

describe("createAbkit options", () => {
  it("refuses a misspelled option, naming it", () => {
    const options = { store: memoryStore(), flushIntervallMs: 10 } as Loose;
    expect(() => createAbkit(options)).toThrow(/flushIntervallMs/);
    expect(codeSync(() => createAbkit(options))).toBe("validation_failed");
  });

  it("refuses no options at all, or a non-object", () => {
    for (const bad of [undefined, null, 42]) {
      expect(codeSync(() => createAbkit(bad as Loose))).toBe("validation_failed");
    }
  });
});

describe("conditions are checked at every door that takes one", () => {
  let abkit: Abkit;
  beforeEach(async () => {
    abkit = newEngine();
    await abkit.segments.create({ key: "spain", condition: { country: "ES" } });
    await abkit.flags.create({ key: "f", type: "boolean", defaultValue: false });
  });

  const bad: Record<string, unknown>[] = [
    { country: { $inn: ["ES"] } },
    { $or: [{ plan: "pro" }, { country: { $inn: ["ES"] } }] },
    { $and: [{ orders: { $elemMatch: { total: { $gtt: 1 } } } }] },
    { $not: { id: { $inGroup: "beta" } } },
    { id: { $notInGroup: "staff" } },
    { ua: { $regex: "(?<=a)b" } },
  ];

  it.each(bad)("%j", async (condition) => {
    const rule = { condition: condition as Loose, value: true };
    const doors: Record<string, () => unknown> = {
      "segments.create": () => abkit.segments.create({ key: "s", condition: rule.condition }),
      "segments.update": () => abkit.segments.update("spain", { condition: rule.condition }),
      "flags.create": () =>
        abkit.flags.create({ key: "g", type: "boolean", defaultValue: false, rules: [rule] }),
      "flags.update": () => abkit.flags.update("f", { rules: [rule] }),
    };
    for (const [door, call] of Object.entries(doors)) {
      expect(await codeOf(call), door).toBe("validation_failed");
    }
    // Nothing was written.
    expect((await abkit.segments.get("spain"))?.condition).toEqual({ country: "ES" });
    expect((await abkit.flags.get("f"))?.rules).toEqual([]);
    expect(await abkit.segments.get("s")).toBeNull();
  });

  it("says why saved groups are refused", async () => {
    await expect(
      abkit.segments.create({ key: "s", condition: { id: { $inGroup: "beta" } } }),
    ).rejects.toThrow(/condition\.id\.\$inGroup: saved groups are not supported yet/);
  });

  it("accepts a ReDoS-prone pattern, since matching is linear, and evaluates it", async () => {
    await abkit.segments.create({ key: "as", condition: { name: { $regex: "(a+)+$" } } });
    await abkit.experiments.create(promptExperiment({ key: "x", segments: ["as"] }));
    await abkit.experiments.start("x");
    const hostile = { name: `${"a".repeat(5000)}!` };
    const out = await abkit.evaluate({ experimentKey: "x", entityId: "u1", properties: hostile });
    expect(out.reason).toBe("no_segment_match");
  });
});

function codeSync(call: () => unknown): string {
  try {
    call();
    return "no error";
  } catch (error) {
    return isAbkitError(error) ? error.code : `raw ${(error as Error).name}`;
  }
}
