import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Abkit, createAbkit, type EventInput } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { sqliteStore } from "../src/index.js";
import { useTempDir } from "./fixtures/tempDir.js";

const tempDir = useTempDir();
const child = join(import.meta.dirname, "fixtures/autopilotChild.ts");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

describe("autopilot across processes", () => {
  it("decides once when 4 processes check the same experiment", async () => {
    const path = join(tempDir(), "autopilot.db");
    const store = sqliteStore({ path });
    const abkit = createAbkit({ store, autopilotCheckMs: 0, banditCheckMs: 0 });
    await abkit.flags.create({ key: "new-checkout", type: "boolean", defaultValue: false });
    await abkit.experiments.create({
      key: "checkout",
      flagKey: "new-checkout",
      variants: [
        { key: "A", weight: 50, config: false },
        { key: "B", weight: 50, config: true },
      ],
      metrics: [{ name: "converted", kind: "binomial", primary: true }],
    });
    await abkit.experiments.start("checkout");
    await bWins(abkit, 2000);

    const children = Array.from({ length: 4 }, () => startChild(path));
    await Promise.all(children.map((running) => running.ready));
    // Every process is checking on a 10 ms schedule: the policy turns on for all at once.
    const enabled = await abkit.experiments.update("checkout", {
      autopilot: { promote: { chance: 0.95 }, intervalMs: 1000 },
    });
    await Promise.all(children.map((running) => running.done));

    await abkit.refresh();
    const experiment = await abkit.experiments.get("checkout");
    expect(experiment?.status).toBe("stopped");
    expect(experiment?.decisions).toHaveLength(1);
    expect(experiment?.decisions?.[0]).toMatchObject({
      action: "promote",
      by: "autopilot",
      variantKey: "B",
      metric: "converted",
      numbers: { read: "always-valid", totalUsers: 2000, alpha: 0.05 },
      flag: { key: "new-checkout", revision: 1, value: true },
    });
    // One revision for the decision; one flag write.
    expect(experiment?.revision).toBe(enabled.revision + 1);
    expect(await abkit.flags.get("new-checkout")).toMatchObject({
      defaultValue: true,
      revision: 2,
    });
    await abkit.close();
    await store.close();
  }, 60_000);
});

/** 2000 users, B converting at 30% against A's 10%: within a variant, user n converts when n mod 10 < 3 (B) or 1 (A). */
async function bWins(abkit: Abkit, users: number): Promise<void> {
  const seen: Record<string, number> = {};
  const events: EventInput[] = [];
  for (let i = 0; i < users; i++) {
    const entityId = `user_${i}`;
    const { variantKey } = await abkit.evaluate({ experimentKey: "checkout", entityId });
    if (variantKey === null) continue;
    const n = seen[variantKey] ?? 0;
    seen[variantKey] = n + 1;
    if (n % 10 < (variantKey === "B" ? 3 : 1)) events.push({ entityId, metricName: "converted" });
  }
  await abkit.track(events);
  await abkit.flush();
}

function startChild(path: string): { ready: Promise<void>; done: Promise<void> } {
  const process_ = spawn(
    process.execPath,
    ["--import", tsxLoader, "--conditions=@abkit/source", child, path],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  process_.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const ready = new Promise<void>((resolve) => {
    process_.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.includes("ready")) resolve();
    });
  });
  const done = new Promise<void>((resolve, reject) =>
    process_.on("exit", (code) =>
      code === 0 && stdout.includes("done")
        ? resolve()
        : reject(new Error(`autopilot child exited ${code}: ${stderr}`)),
    ),
  );
  return { ready, done };
}
