import { describe, expect, it } from "vitest";
import { AbkitError, InvalidTransitionError, ValidationError } from "../../src/index.js";
import { newEngine, promptExperiment } from "./fixtures.js";

describe("experiment lifecycle", () => {
  it("creates drafts and moves draft -> running -> stopped, stamping each transition", async () => {
    const abkit = newEngine();
    const draft = await abkit.experiments.create(promptExperiment());
    expect(draft).toMatchObject({ status: "draft", revision: 1, startedAt: null, stoppedAt: null });
    expect(draft.id).toMatch(/^exp_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(draft.hashSeed).toBe("math-bot-system-prompt-v2");

    const running = await abkit.experiments.start(draft.key);
    expect(running.status).toBe("running");
    expect(running.startedAt).not.toBeNull();

    const stopped = await abkit.experiments.stop(draft.key);
    expect(stopped.status).toBe("stopped");
    expect(stopped.stoppedAt).not.toBeNull();
    expect(stopped.startedAt).toBe(running.startedAt);
    expect((await abkit.experiments.get(draft.key))?.status).toBe("stopped");
  });

  it.each([
    ["stop a draft", [], "stop"],
    ["start a running experiment", ["start"], "start"],
    ["start a stopped experiment", ["start", "stop"], "start"],
    ["stop a stopped experiment", ["start", "stop"], "stop"],
  ] as const)("refuses to %s with invalid_transition", async (_name, before, action) => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment());
    for (const step of before) await abkit.experiments[step]("math-bot-system-prompt-v2");
    const attempt = abkit.experiments[action]("math-bot-system-prompt-v2");
    await expect(attempt).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(attempt).rejects.toMatchObject({ code: "invalid_transition" });
  });

  it("freezes variants, weights and hashing once running, but allows other edits", async () => {
    const abkit = newEngine();
    const created = await abkit.experiments.create(promptExperiment());
    await abkit.experiments.start(created.key);

    const reweighted = created.variants.map((variant, index) => ({
      ...variant,
      weight: index === 0 ? 90 : 10,
    }));
    await expect(
      abkit.experiments.update(created.key, { variants: reweighted }),
    ).rejects.toMatchObject({
      code: "invalid_transition",
      details: { field: "variants", status: "running" },
    });
    await expect(
      abkit.experiments.update(created.key, { hashSeed: "other" }),
    ).rejects.toMatchObject({
      code: "invalid_transition",
    });

    // Resending the same variants (a client saving the whole form) is not a change.
    const updated = await abkit.experiments.update(created.key, {
      variants: created.variants,
      coverage: 0.5,
      name: "Math tutor prompt",
    });
    expect(updated).toMatchObject({ coverage: 0.5, name: "Math tutor prompt", revision: 3 });
  });

  it("lets a draft change its variants", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment());
    const updated = await abkit.experiments.update("math-bot-system-prompt-v2", {
      variants: [
        { key: "a", weight: 34, config: 1 },
        { key: "b", weight: 33, config: 2 },
        { key: "c", weight: 33, config: 3 },
      ],
    });
    expect(updated.variants.map((variant) => variant.key)).toEqual(["a", "b", "c"]);
  });

  it("rejects a duplicate key with conflict and an unknown key with not_found", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment());
    await expect(abkit.experiments.create(promptExperiment())).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(abkit.experiments.start("nope")).rejects.toMatchObject({ code: "not_found" });
    await expect(abkit.experiments.update("nope", { coverage: 1 })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await abkit.experiments.get("nope")).toBeNull();
  });

  it.each([
    [
      "weights that do not sum to 100",
      {
        variants: [
          { key: "a", weight: 50 },
          { key: "b", weight: 40 },
        ],
      },
      "variants: weights must sum to 100 (they sum to 90)",
    ],
    [
      "a duplicate variant key",
      {
        variants: [
          { key: "a", weight: 50 },
          { key: "a", weight: 50 },
        ],
      },
      'variants.1.key: duplicate variant key "a"',
    ],
    ["coverage above 1", { coverage: 50 }, "coverage: is a fraction between 0 and 1"],
    ["an unknown segment", { segments: ["es-fr"] }, 'segments.0: unknown segment "es-fr"'],
    [
      "an override to a missing variant",
      { overrides: { qa_1: "nope" } },
      'overrides.qa_1: "nope" is not a variant key',
    ],
    [
      "a config that is not JSON",
      {
        variants: [
          { key: "a", weight: 50, config: Number.NaN },
          { key: "b", weight: 50 },
        ],
      },
      "variants.0.config",
    ],
  ])("rejects %s with a validation error naming the field", async (_name, change, message) => {
    const abkit = newEngine();
    const attempt = abkit.experiments.create(promptExperiment(change as never));
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    expect(await abkit.experiments.list()).toEqual([]);
  });

  it("lists experiments oldest first and filters by status", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment({ key: "first" }));
    await abkit.experiments.create(promptExperiment({ key: "second" }));
    await abkit.experiments.start("second");
    expect((await abkit.experiments.list()).map((e) => e.key)).toEqual(["first", "second"]);
    expect((await abkit.experiments.list({ status: "running" })).map((e) => e.key)).toEqual([
      "second",
    ]);
  });

  it("raises errors that are AbkitErrors with stable codes", async () => {
    const abkit = newEngine();
    const error = await abkit.experiments.stop("missing").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbkitError);
    expect(error).not.toBeInstanceOf(InvalidTransitionError);
    expect((error as AbkitError).toJSON()).toEqual({
      code: "not_found",
      message: 'experiment "missing" not found',
      details: { kind: "experiment", key: "missing" },
    });
  });
});
