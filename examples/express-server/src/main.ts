import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { applyServerLimits, DEFAULT_SERVER_LIMITS, jsonLogger } from "@abkit/http";
import { createApp } from "./app.js";
import { listenFailure, portFromEnv } from "./listen.js";

const port = portFromEnv(process.env.PORT);
const { app, adminKey, experiment, close } = await createApp();
console.log(`Experiment "math-bot-system-prompt-v2": ${experiment}.`);
// Printed before listening: a key created on a fresh store is shown even if listening fails.
if (adminKey) {
  console.log("No API keys yet: created an admin key (shown this once only):");
  console.log(`  ${adminKey}`);
}

let server: Server;
try {
  // Express 5 hands a listen error (a busy port) to this callback: it must not say "Listening".
  server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, "127.0.0.1", (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
} catch (error) {
  await close();
  console.error(listenFailure(error, port));
  process.exit(1);
}

// Untrusted clients: request, header and keep-alive timeouts, connections per address.
applyServerLimits(server, DEFAULT_SERVER_LIMITS, jsonLogger({ level: "warn" }));

const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`Listening on ${base}`);
console.log("");
console.log("Try:");
console.log(
  `  curl -X POST ${base}/chat -H "Content-Type: application/json" -d '{"userId":"user_42","message":"What is 12 x 7?"}'`,
);
console.log(`  curl -X POST ${base}/chat/<messageId>/thumbs-up`);
console.log(
  `  curl ${base}/api/v1/experiments/math-bot-system-prompt-v2/results -H "X-Api-Key: $KEY"`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: shutting down`);
    server.close(async () => {
      await close();
      process.exit(0);
    });
  });
}
