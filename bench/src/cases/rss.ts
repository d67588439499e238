/**
 * Memory of a long-running HTTP server: N evaluations and N events through the handler
 * (`respond()`, no sockets) over a memory store, across 150 projects (a few hot, most cold, so
 * the engine pool evicts and reopens) and 20,000 users per project; every event carries a
 * fresh idempotency key. Reports RSS at the end, in MB, and RSS and heap after each tenth of
 * the work. argv: <N>
 */
import { createAbkit, createApiKey } from "@abkit/core";
import { createAbkitHandler, type HttpRequest } from "@abkit/http";
import { memoryStore } from "@abkit/memory";
import { emit, main } from "../lib/emit.js";
import { createExperiment, EXPERIMENT_KEY, METRIC } from "../lib/fixture.js";

const PROJECTS = 150;
const HOT = 10;
const USERS = 20_000;
const EVENTS_PER_TRACK = 100;
/** Dedup keys the store remembers: small enough that the bound is reached within 10^5 events. */
const MAX_IDEMPOTENCY_KEYS = 100_000;

main(async () => {
  const total = Number(process.argv[2] ?? 1_000_000);
  const store = memoryStore({ maxIdempotencyKeys: MAX_IDEMPOTENCY_KEYS });
  const projects = Array.from({ length: PROJECTS }, (_, i) => `project-${i}`);
  for (const project of projects) {
    await store.createProject({
      id: project,
      organizationId: "bench",
      name: project,
      createdAt: "",
    });
    const abkit = createAbkit({ store, project, banditCheckMs: 0 });
    await createExperiment(abkit);
    await abkit.close();
  }
  const { plaintext } = await createApiKey(store, {
    organizationId: "bench",
    projectId: projects[0]!,
    scopes: ["sdk"],
  });
  const api = createAbkitHandler({ store, logger: false });
  const encoder = new TextEncoder();
  const post = (path: string, body: unknown): HttpRequest => {
    const bytes = encoder.encode(JSON.stringify(body));
    const headers: Record<string, string> = {
      "x-api-key": plaintext,
      "content-type": "application/json",
      "content-length": String(bytes.byteLength),
    };
    return {
      method: "POST",
      path,
      query: new URLSearchParams(),
      header: (name) => headers[name],
      body: async () => bytes,
    };
  };
  // 99% of requests go to 10 hot projects, the rest spread over 140 cold ones.
  const projectOf = (i: number) =>
    i % 100 === 0 ? projects[HOT + ((i / 100) % (PROJECTS - HOT))]! : projects[i % HOT]!;

  const samples: { done: number; rssMb: number; heapMb: number }[] = [];
  const sample = (done: number) => {
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ done, rssMb: mb(rss), heapMb: mb(heapUsed) });
  };
  const tenth = Math.max(1, Math.floor(total / 10));
  let evaluations = 0;
  let events = 0;
  const started = performance.now();
  for (let step = 0; step < 10; step++) {
    for (let i = 0; i < tenth; i++) {
      const n = evaluations++;
      const response = await api.respond(
        post("/api/v1/experiments/evaluate", {
          experimentKey: EXPERIMENT_KEY,
          entityId: `user_${n % USERS}`,
          properties: { country: "ES" },
          project_id: projectOf(n),
        }),
      );
      if (response.status !== 200) throw new Error(`evaluate answered ${response.status}`);
    }
    for (let i = 0; i < tenth; i += EVENTS_PER_TRACK) {
      const batch = Array.from({ length: EVENTS_PER_TRACK }, () => {
        const n = events++;
        return { entityId: `user_${n % USERS}`, metricName: METRIC, idempotencyKey: `evt-${n}` };
      });
      const response = await api.respond(
        post("/api/v1/track", { events: batch, project_id: projectOf(events / EVENTS_PER_TRACK) }),
      );
      if (response.status !== 200) throw new Error(`track answered ${response.status}`);
    }
    sample(evaluations + events);
  }
  const seconds = (performance.now() - started) / 1000;
  await api.close();
  emit({
    name: `rss/http-memory/${total}`,
    unit: "MB",
    value: samples.at(-1)!.rssMb,
    extra: { evaluations, events, seconds: Math.round(seconds), samples },
  });
});

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
