/** Which case processes run, and how their results pair into ratios against the goals. */
export interface CaseRun {
  file: string;
  args: string[];
}

export interface Comparison {
  label: string;
  ours: string;
  reference: string;
  /** `min`: ours / reference must reach `goal`; `max`: the ratio must stay below it. */
  kind: "min" | "max";
  goal: number;
}

export const CASES: CaseRun[] = [
  ...["match", "mixed"].flatMap((scenario) =>
    ["growthbook", "memory", "sqlite"].map((impl) => ({
      file: "src/cases/evaluate.ts",
      args: [impl, scenario],
    })),
  ),
  ...["raw", "ours", "store"].map((mode) => ({ file: "src/cases/trackSqlite.ts", args: [mode] })),
  ...["raw", "ours", "store"].map((mode) => ({ file: "src/cases/trackRedis.ts", args: [mode] })),
  ...["raw", "ours", "store", "processes-1", "processes-4"].map((mode) => ({
    file: "src/cases/trackPostgres.ts",
    args: [mode],
  })),
  ...["1000", "1000000"].map((events) => ({ file: "src/cases/results.ts", args: [events] })),
  ...["fastify", "express"].flatMap((framework) =>
    ["bare", "abkit"].map((variant) => ({ file: "src/cases/http.ts", args: [framework, variant] })),
  ),
  // No ratio: the figures (write latency, another project's evaluate p50) are read as is.
  ...["memory", "sqlite"].flatMap((store) =>
    ["idle", "writes"].map((mode) => ({
      file: "src/cases/definitionWrites.ts",
      args: [store, mode],
    })),
  ),
  ...["100000", "1000000"].map((total) => ({ file: "src/cases/rss.ts", args: [total] })),
];

export const COMPARISONS: Comparison[] = [
  ...["match", "mixed"].flatMap((scenario) =>
    ["memory", "sqlite"].map(
      (store): Comparison => ({
        label: `evaluate warm, ${store} store, ${scenario} users vs GrowthBook`,
        ours: `evaluate/${store}/${scenario}`,
        reference: `evaluate/growthbook/${scenario}`,
        kind: "min",
        goal: 2,
      }),
    ),
  ),
  ...["sqlite", "redis"].flatMap((store) =>
    ["ours", "store"].map(
      (mode): Comparison => ({
        label: `track ingest, ${store}, ${mode === "ours" ? "abkit.track()" : "store.applyEvents()"} vs raw driver`,
        ours: `track/${store}/${mode}`,
        reference: `track/${store}/raw`,
        kind: "min",
        goal: 0.5,
      }),
    ),
  ),
  ...["ours", "store"].map(
    (mode): Comparison => ({
      label: `track ingest, postgres, ${mode === "ours" ? "abkit.track()" : "store.applyEvents()"} vs raw driver`,
      ours: `track/postgres/${mode}`,
      reference: "track/postgres/raw",
      kind: "min",
      goal: 0.8,
    }),
  ),
  {
    // How far one database takes more app processes; the goal only says they never slow it.
    label: "track ingest, postgres, 4 processes vs 1 (total events/s)",
    ours: "track/postgres/processes-4",
    reference: "track/postgres/processes-1",
    kind: "min",
    goal: 1,
  },
  {
    label: "results read, 10^6 events vs 10^3 (time ratio)",
    ours: "results/memory/1000000",
    reference: "results/memory/1000",
    kind: "max",
    goal: 1.5,
  },
  {
    label: "server RSS, 10^6 evaluations + 10^6 events vs 10^5 + 10^5 (ratio)",
    ours: "rss/http-memory/1000000",
    reference: "rss/http-memory/100000",
    kind: "max",
    goal: 1.25,
  },
  ...["fastify", "express"].map(
    (framework): Comparison => ({
      label: `HTTP evaluate, ${framework} vs bare JSON route`,
      ours: `http/${framework}/abkit`,
      reference: `http/${framework}/bare`,
      kind: "min",
      goal: 0.8,
    }),
  ),
];
