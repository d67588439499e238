/**
 * A process that ingests event batches into a Redis store until told to stop, for the
 * failover tests. Run as `node --import <tsx> --conditions=@abkit/source ingestChild.ts
 * <json IngestPlan>`. It prints one JSON line per batch (`IngestLine`), then
 * `{"done":true}` once "stop" arrives on stdin or the plan's last batch is sent, and exits.
 */
import { createInterface } from "node:readline";
import { redisStore } from "../../src/index.js";
import { batchEvents, type IngestLine, type IngestPlan } from "./ingestPlan.js";

const plan = JSON.parse(process.argv[2] ?? "{}") as IngestPlan;
let stopping = false;
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "stop") stopping = true;
});
const print = (line: IngestLine) => process.stdout.write(`${JSON.stringify(line)}\n`);
const store = redisStore({
  url: plan.url,
  prefix: plan.prefix,
  timeoutMs: plan.timeoutMs,
  waitReplicas: plan.waitReplicas,
});
for (let batch = 0; batch < plan.batches && !stopping; batch++) {
  try {
    await store.applyEvents(plan.projectId, batchEvents(plan, batch));
    print({ batch, ok: true, at: Date.now() });
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "none");
    print({ batch, ok: false, code, message: String(error), at: Date.now() });
  }
  // A steady stream, not a flood: the 2 cores also run the cluster.
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await store.close();
print({ done: true });
process.exit(0);
