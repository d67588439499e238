import type { Server } from "node:http";
import { createAbkit, createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { createExperiment } from "./fixture.js";

export const EVALUATE_PATH = "/api/v1/experiments/evaluate";

/** A memory store holding the fixture's running experiment and an SDK key. */
export async function seededStore(): Promise<{ store: Store; apiKey: string }> {
  const store = memoryStore();
  const abkit = createAbkit({ store });
  await createExperiment(abkit);
  await abkit.close();
  const { plaintext } = await createApiKey(store, {
    organizationId: "bench",
    projectId: "default",
    scopes: ["sdk"],
  });
  return { store, apiKey: plaintext };
}

/** What the bare routes answer: the shape of abkit's evaluate response. */
export function bareAnswer(body: { experimentKey?: string }) {
  return {
    experimentKey: body.experimentKey ?? null,
    variantKey: "control",
    config: { color: "blue" },
  };
}

/** Tells the parent where the server listens, and exits cleanly (profile written) on SIGTERM. */
export function announce(server: Server, apiKey: string): void {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port, apiKey })}\n`);
  process.on("SIGTERM", () => process.exit(0));
}
