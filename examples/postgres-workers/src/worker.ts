// One app process: it evaluates every user (all processes serve the same users) and
// reports that about a third of them opened the email, with the idempotency key
// `opened:<user>`, as a webhook delivered to every process would. Prints one JSON line.
import { createAbkit } from "@abkit/core";
import { EXPERIMENT, openStore, userIds } from "./shared.js";

const [url, users] = process.argv.slice(2);
if (!url || !users) throw new Error("usage: worker <store url> <users>");
const abkit = createAbkit({ store: openStore(url) });
const variants: Record<string, number> = {};
for (const entityId of userIds(Number(users))) {
  const { variantKey } = await abkit.evaluate({ experimentKey: EXPERIMENT, entityId });
  variants[variantKey ?? "none"] = (variants[variantKey ?? "none"] ?? 0) + 1;
}
const opened = userIds(Number(users))
  .filter((_, i) => i % 3 === 0)
  .map((entityId) => ({ entityId, metricName: "opened", idempotencyKey: `opened:${entityId}` }));
const { accepted, deduped } = await abkit.track(opened);
await abkit.close();
process.stdout.write(`${JSON.stringify({ pid: process.pid, variants, accepted, deduped })}\n`);
