import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Abkit, createAbkit, type ExperimentInput, type ExperimentResults } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { sqliteStore } from "@abkit/sqlite";
import { seededRandom } from "@abkit/store-tests";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GateDecision } from "../src/gate/decide.js";
import { runCli } from "../src/main.js";
import { captureContext, runAbkit, type Server, startServer, tempDir } from "./helpers.js";

// One SQLite file with an experiment per outcome, every user evaluated and every event
// tracked through the engine. Each arm's conversions are counted here as they are tracked,
// so the gate's numbers are checked against this count, not against the engine.
const temp = tempDir();
const DB = join(temp.dir, "gate.db");
const STORE = `sqlite:${DB}`;

interface Arm {
  users: number;
  converted: number;
}
const counted: Record<string, Record<string, Arm>> = {};

interface Simulation {
  key: string;
  users: number;
  /** P(purchase) by variant. */
  purchase: { control: number; treatment: number };
  /** P(error), a guardrail where an increase harms, by variant. */
  error?: { control: number; treatment: number };
  /** The share of the treatment's users that are exposed (below 1: a broken split). */
  treatmentKept?: number;
  seed: number;
}

const SIMULATIONS: Simulation[] = [
  { key: "winner", users: 1000, purchase: { control: 0.1, treatment: 0.3 }, seed: 1 },
  { key: "loser", users: 1000, purchase: { control: 0.3, treatment: 0.1 }, seed: 2 },
  {
    key: "harm",
    users: 1000,
    purchase: { control: 0.2, treatment: 0.2 },
    error: { control: 0.05, treatment: 0.25 },
    seed: 3,
  },
  { key: "small", users: 20, purchase: { control: 0.1, treatment: 0.3 }, seed: 4 },
  {
    key: "srm",
    users: 1500,
    purchase: { control: 0.2, treatment: 0.2 },
    treatmentKept: 0.6,
    seed: 5,
  },
  // A modest lift: 1,500 users per arm put the fixed interval above 0 while the
  // always-valid one, wider for being safe to read every day, still spans 0.
  { key: "modest", users: 3000, purchase: { control: 0.2, treatment: 0.24 }, seed: 6 },
];

beforeAll(async () => {
  const abkit = createAbkit({ store: sqliteStore({ path: DB }) });
  try {
    for (const simulation of SIMULATIONS) await simulate(abkit, simulation);
  } finally {
    await abkit.close();
  }
}, 120_000);

afterAll(() => temp.cleanup());

function policyFile(name: string, policy: unknown): string {
  const path = join(temp.dir, `${name}.json`);
  writeFileSync(path, typeof policy === "string" ? policy : JSON.stringify(policy));
  return path;
}

async function gate(args: string[], env: Record<string, string> = {}) {
  const ctx = captureContext(env);
  const code = await runCli(["gate", ...args], ctx);
  return { code, stdout: ctx.stdout.join("\n"), stderr: ctx.stderr.join("\n") };
}

async function gateJson(key: string, policy: unknown, source: string[] = ["--store", STORE]) {
  const run = await gate([key, "--policy", policyFile(`p-${key}`, policy), ...source, "--json"]);
  return { ...run, decision: (run.stdout ? JSON.parse(run.stdout) : null) as GateDecision };
}

async function results(key: string): Promise<ExperimentResults> {
  const abkit = createAbkit({ store: sqliteStore({ path: DB }) });
  try {
    return await abkit.results(key);
  } finally {
    await abkit.close();
  }
}

describe("abkit gate: the decision and its exit code, from a store", () => {
  it("passes a clear winner (0), with the counted users and rates behind it", async () => {
    const { code, decision } = await gateJson("winner", { minChanceToBeat: 0.95, minUsers: 100 });
    expect(code).toBe(0);
    expect(decision.decision).toBe("pass");
    expect(decision.exitCode).toBe(0);
    expect(decision.metric).toBe("purchase");
    expect(decision.variant).toBe("treatment");
    const control = counted.winner!.control!;
    const treatment = counted.winner!.treatment!;
    expect(decision.numbers.control.users).toBe(control.users);
    expect(decision.numbers.control.value).toBeCloseTo(control.converted / control.users, 12);
    const [judged] = decision.numbers.treatments;
    expect(judged!.users).toBe(treatment.users);
    expect(judged!.estimate).toBeCloseTo(
      treatment.converted / treatment.users - control.converted / control.users,
      12,
    );
    expect(judged!.interval![0]).toBeGreaterThan(0);
    expect(judged!.reading).toBe("better");
    expect(decision.reasons[0]).toMatch(
      /^purchase is better in treatment: \+0\.\d+ \(always-valid 95% interval \[/,
    );
  });

  it("fails a clear loser (1)", async () => {
    const { code, decision } = await gateJson("loser", {});
    expect(code).toBe(1);
    expect(decision.decision).toBe("fail");
    expect(decision.variant).toBe("treatment");
    expect(decision.numbers.treatments[0]!.interval![1]).toBeLessThan(0);
    expect(decision.reasons).toEqual([
      expect.stringMatching(/^purchase is worse in treatment: -0\.\d+ \(always-valid 95% interval/),
    ]);
  });

  it("reads a lower-is-better metric the other way round: an increase is worse", async () => {
    // `error` is a guardrail whose harm is an increase, so lower is better; the treatment
    // raises it. Gated on directly (guardrails off), its interval above 0 fails.
    const { code, decision } = await gateJson("harm", { metric: "error", guardrails: false });
    expect(decision.numbers.direction).toBe("lower");
    expect(decision.numbers.treatments[0]!.interval![0]).toBeGreaterThan(0);
    expect(decision.numbers.treatments[0]!.reading).toBe("worse");
    expect(code).toBe(1);
  });

  it("fails a guardrail harm (1) even though the primary metric is flat", async () => {
    const { code, decision } = await gateJson("harm", {});
    expect(code).toBe(1);
    expect(decision.numbers.treatments[0]!.reading).toBe("unclear");
    expect(decision.numbers.guardrailViolations.map((v) => [v.metric, v.variantKey])).toEqual([
      ["error", "treatment"],
    ]);
    expect(decision.reasons).toEqual([
      expect.stringMatching(/^guardrail error harmed in treatment: increase of \+0\.\d+/),
    ]);
    // With guardrails off, the same data is merely inconclusive.
    const off = await gateJson("harm", { guardrails: false });
    expect(off.code).toBe(2);
  });

  it("is inconclusive with too few users (2), and fails it when the policy says so", async () => {
    const { code, decision } = await gateJson("small", {});
    expect(code).toBe(2);
    expect(decision.decision).toBe("inconclusive");
    expect(decision.numbers.control.users + decision.numbers.treatments[0]!.users).toBe(20);
    expect(decision.reasons[0]).toBe("not enough data yet");
    const strict = await gateJson("small", { failOn: ["worse", "inconclusive"] });
    expect(strict.code).toBe(1);
    expect(strict.decision.decision).toBe("fail");
  });

  it("holds a winner below minUsers or minChanceToBeat at 2", async () => {
    const fewest = Math.min(counted.winner!.control!.users, counted.winner!.treatment!.users);
    const users = await gateJson("winner", { minUsers: fewest + 1 });
    expect(users.code).toBe(2);
    expect(users.decision.reasons).toContain(
      `treatment: ${fewest} users in the smaller arm < ${(fewest + 1).toLocaleString("en-US")} (policy.minUsers)`,
    );
    expect((await gateJson("winner", { minUsers: fewest })).code).toBe(0);
    // The modest lift passes on the fixed interval; its chance to beat the control, below 1,
    // then decides alone: the policy at that chance passes, a little above it holds.
    const modest = (await gateJson("modest", { interval: "fixed" })).decision;
    const reached = modest.numbers.treatments[0]!.chanceToBeatControl!;
    expect(reached).toBeGreaterThan(0.9);
    expect(reached).toBeLessThan(1);
    expect((await gateJson("modest", { interval: "fixed", minChanceToBeat: reached })).code).toBe(
      0,
    );
    const above = Math.min(1, reached + 0.0005);
    const held = await gateJson("modest", { interval: "fixed", minChanceToBeat: above });
    expect(held.code).toBe(2);
    expect(held.decision.reasons.at(-1)).toMatch(
      /^treatment: chance to beat the control .+ \(policy\.minChanceToBeat\)$/,
    );
  });

  it("fails a sample ratio mismatch (1), whatever the metric says", async () => {
    const { code, decision } = await gateJson("srm", {});
    expect(code).toBe(1);
    expect(decision.variant).toBeNull();
    // Chi-square on the counted users, worked here: sum of (observed - expected)^2 / expected.
    const { control, treatment } = counted.srm!;
    const total = control!.users + treatment!.users;
    const chiSquare =
      (control!.users - total / 2) ** 2 / (total / 2) +
      (treatment!.users - total / 2) ** 2 / (total / 2);
    expect(decision.numbers.srm!.chiSquare).toBeCloseTo(chiSquare, 9);
    expect(decision.numbers.srm!.mismatch).toBe(true);
    expect(decision.reasons[0]).toMatch(/^sample ratio mismatch: /);
    expect((await gateJson("srm", { srm: false })).code).toBe(2);
  });

  it("reads the interval the policy names: fixed passes a modest lift the always-valid one holds", async () => {
    const comparison = (await results("modest")).metrics[0]!.variants[1]!.comparison!;
    // The premise of this test, on the seeded data.
    expect(comparison.absolute.ci![0]).toBeGreaterThan(0);
    expect(comparison.sequential!.ci[0]).toBeLessThanOrEqual(0);
    const safe = await gateJson("modest", {});
    expect(safe.code).toBe(2);
    expect(safe.decision.numbers.treatments[0]!.interval).toEqual(comparison.sequential!.ci);
    const fixed = await gateJson("modest", { interval: "fixed" });
    expect(fixed.code).toBe(0);
    expect(fixed.decision.numbers.treatments[0]!.interval).toEqual(comparison.absolute.ci);
    expect(fixed.decision.numbers.interval).toBe("fixed");
  });

  it("prints the decision, the reasons and the numbers for people", async () => {
    const run = await gate(["loser", "--policy", policyFile("text", {}), "--store", STORE]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("Gate loser: FAIL (exit 1; purchase, treatment)");
    expect(lines[1]).toMatch(/^ {2}- purchase is worse in treatment: /);
    expect(run.stdout).toContain(`control (control): ${counted.loser!.control!.users} users`);
    expect(run.stdout).toMatch(/Sample ratio: ok \(chi-square/);
    expect(run.stdout).toContain("Guardrails: no harm");
  });
});

describe("abkit gate --json", () => {
  it("prints exactly decision, exitCode, reasons, metric, variant and numbers", async () => {
    const { decision } = await gateJson("winner", {});
    expect(Object.keys(decision)).toEqual([
      "decision",
      "exitCode",
      "reasons",
      "metric",
      "variant",
      "numbers",
    ]);
    expect(Object.keys(decision.numbers).sort()).toEqual([
      "control",
      "direction",
      "experimentVerdict",
      "guardrailViolations",
      "interval",
      "srm",
      "treatments",
    ]);
    expect(decision.numbers.experimentVerdict.kind).toBe((await results("winner")).verdict.kind);
  });
});

describe("abkit gate: policy and usage errors exit 64, unreadable results 3", () => {
  it("names every wrong field of the policy", async () => {
    const path = policyFile("bad", {
      minChanceToBeat: 1.5,
      interval: "sometimes",
      failOn: ["worst"],
      minUser: 10,
    });
    const run = await gate(["winner", "--policy", path, "--store", STORE]);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`invalid policy in ${path}:`);
    for (const field of ["policy.minChanceToBeat", "policy.interval", "policy.failOn.0"]) {
      expect(run.stderr).toContain(`${field}: `);
    }
    expect(run.stderr).toContain('"minUser"');
  });

  it("refuses a policy that is not JSON, missing, or names what the experiment lacks", async () => {
    const notJson = await gate([
      "winner",
      "--policy",
      policyFile("nj", "{metric:"),
      "--store",
      STORE,
    ]);
    expect(notJson.code).toBe(64);
    expect(notJson.stderr).toMatch(/is not JSON/);
    const missing = await gate([
      "winner",
      "--policy",
      join(temp.dir, "none.json"),
      "--store",
      STORE,
    ]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/cannot read the policy file/);
    const metric = await gateJson("winner", { metric: "revenue" });
    expect(metric.code).toBe(64);
    expect(metric.stderr).toBe(
      'error: policy.metric: experiment "winner" has no metric "revenue" (its metrics: purchase)',
    );
    const variant = await gateJson("winner", { variant: "control" });
    expect(variant.code).toBe(64);
    expect(variant.stderr).toMatch(/^error: policy\.variant: "control" is not a treatment/);
  });

  it("exits 64 on a wrong command line, with the usage", async () => {
    const noPolicy = await gate(["winner", "--store", STORE]);
    expect(noPolicy.code).toBe(64);
    expect(noPolicy.stderr).toContain("error: missing --policy <file>");
    expect(noPolicy.stderr).toContain("Usage: abkit gate <experimentKey>");
    const both = await gate([
      "winner",
      "--policy",
      policyFile("b", {}),
      "--store",
      STORE,
      "--url",
      "http://x",
    ]);
    expect(both.code).toBe(64);
    const noScheme = await gate([
      "winner",
      "--policy",
      policyFile("b", {}),
      "--url",
      "localhost:3000",
      "--key",
      "k",
    ]);
    expect(noScheme.code).toBe(64);
    expect(noScheme.stderr).toContain(
      '--url must be a base URL such as http://127.0.0.1:3000 (got "localhost:3000")',
    );
    const noKey = await gate(["winner", "--policy", policyFile("b", {}), "--url", "http://x"]);
    expect(noKey.code).toBe(64);
    expect(noKey.stderr).toContain("--url needs an admin key");
  });

  it("exits 3 when the results cannot be read", async () => {
    const policy = policyFile("ok", {});
    const unknown = await gate(["nope", "--policy", policy, "--store", STORE]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe('error [not_found]: experiment "nope" not found');
    const noFile = await gate([
      "winner",
      "--policy",
      policy,
      "--store",
      `sqlite:${join(temp.dir, "x.db")}`,
    ]);
    expect(noFile.code).toBe(3);
  });
});

describe("abkit gate over HTTP", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer(STORE, ["--no-dashboard"]);
    expect(server.adminKey).not.toBeNull();
  }, 30_000);
  afterAll(async () => {
    await server.stop();
  });

  it("decides exactly as the store does, for every outcome", async () => {
    for (const [key, policy] of [
      ["winner", {}],
      ["loser", {}],
      ["harm", {}],
      ["small", {}],
      ["srm", {}],
      ["modest", { interval: "fixed" }],
    ] as const) {
      const local = await gateJson(key, policy);
      const remote = await gateJson(key, policy, ["--url", server.url, "--key", server.adminKey!]);
      expect(remote.code, key).toBe(local.code);
      expect(remote.decision, key).toEqual(local.decision);
    }
  });

  it("takes the key from ABKIT_API_KEY, and exits 3 on a refused key", async () => {
    const policy = policyFile("http", {});
    const env = await gate(["winner", "--policy", policy, "--url", server.url], {
      ABKIT_API_KEY: server.adminKey!,
    });
    expect(env.code).toBe(0);
    const refused = await gate([
      "winner",
      "--policy",
      policy,
      "--url",
      server.url,
      "--key",
      "ak_wrong",
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /^error: \/api\/v1\/experiments\/winner\/results answered 401: /,
    );
  });
});

describe("abkit gate, the built binary", () => {
  it("exits with the decision's code", async () => {
    const policy = policyFile("bin", {});
    const expected = { winner: 0, loser: 1, small: 2 } as const;
    for (const [key, code] of Object.entries(expected)) {
      const run = await runAbkit(["gate", key, "--policy", policy, "--store", STORE]);
      expect(run.code, `${key}: ${run.stderr}`).toBe(code);
    }
    const usage = await runAbkit(["gate", "winner", "--store", STORE]);
    expect(usage.code).toBe(64);
  }, 60_000);
});

// --- Simulation ---

async function simulate(abkit: Abkit, simulation: Simulation): Promise<void> {
  const metrics: NonNullable<ExperimentInput["metrics"]> = [
    { name: "purchase", kind: "binomial", primary: true },
  ];
  if (simulation.error) {
    metrics.push({
      name: "error",
      kind: "binomial",
      guardrail: { harm: "increase", tolerance: 0 },
    });
  }
  const definition = {
    key: simulation.key,
    variants: [
      { key: "control", weight: 50 },
      { key: "treatment", weight: 50 },
    ],
    metrics,
  };
  await abkit.experiments.create(definition);
  await abkit.experiments.start(simulation.key);
  // The same definition in memory tells each user's variant before exposing them: assignment
  // is a hash of the key and the user, so a broken split can leave out treatment users.
  const preview = createAbkit({ store: memoryStore() });
  await preview.experiments.create(definition);
  await preview.experiments.start(simulation.key);
  const next = seededRandom(simulation.seed);
  const arms: Record<string, Arm> = {
    control: { users: 0, converted: 0 },
    treatment: { users: 0, converted: 0 },
  };
  for (let index = 0; index < simulation.users; index++) {
    const entityId = `${simulation.key}_${index}`;
    if (simulation.treatmentKept !== undefined) {
      const { variantKey } = await preview.evaluate({ experimentKey: simulation.key, entityId });
      if (variantKey === "treatment" && next() >= simulation.treatmentKept) continue;
    }
    const { variantKey } = await abkit.evaluate({ experimentKey: simulation.key, entityId });
    const arm = variantKey === "treatment" ? "treatment" : "control";
    arms[arm]!.users += 1;
    const events: { entityId: string; metricName: string }[] = [];
    if (next() < simulation.purchase[arm]) {
      events.push({ entityId, metricName: "purchase" });
      arms[arm]!.converted += 1;
    }
    if (simulation.error && next() < simulation.error[arm]) {
      events.push({ entityId, metricName: "error" });
    }
    if (events.length > 0) await abkit.track(events);
  }
  await preview.close();
  counted[simulation.key] = arms;
}
