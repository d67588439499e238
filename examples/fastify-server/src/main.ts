import type { AddressInfo } from "node:net";
import { API_PREFIX, createApp } from "./app.js";
import { listenFailure, portFromEnv } from "./listen.js";

const port = portFromEnv(process.env.PORT);
const { app, adminKey, experiment } = await createApp();
console.log(`Experiment "math-bot-system-prompt-v2": ${experiment}.`);
// Printed before listening: a key created on a fresh store is shown even if listening fails.
if (adminKey) {
  console.log("No API keys yet: created an admin key (shown this once only):");
  console.log(`  ${adminKey}`);
}

try {
  await app.listen({ port, host: "127.0.0.1" });
} catch (error) {
  // Closing the app flushes the engine and closes the store (its onClose hook).
  await app.close();
  console.error(listenFailure(error, port));
  process.exit(1);
}

const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
console.log(`Listening on ${base} (abkit's API under ${base}${API_PREFIX}/api/v1/)`);
console.log("");
console.log("Try:");
console.log(
  `  curl -X POST ${base}/chat -H "Content-Type: application/json" -d '{"userId":"user_42","message":"What is 12 x 7?"}'`,
);
console.log(`  curl -X POST ${base}/chat/<messageId>/thumbs-up`);
console.log(
  `  curl ${base}${API_PREFIX}/api/v1/experiments/math-bot-system-prompt-v2/results -H "X-Api-Key: $KEY"`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    console.log(`${signal}: shutting down`);
    // Waits for requests in flight, flushes queued assignments, closes the store.
    await app.close();
    process.exit(0);
  });
}
