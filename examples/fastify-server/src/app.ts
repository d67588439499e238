import { randomUUID } from "node:crypto";
import { type Abkit, createAbkit, type Store } from "@abkit/core";
import { DEFAULT_SERVER_LIMITS } from "@abkit/http";
import { abkitFastify, abkitFrameworkErrors } from "@abkit/http/fastify";
import { sqliteStore } from "@abkit/sqlite";
import Fastify, { type FastifyInstance } from "fastify";
import {
  EXPERIMENT,
  ensureAdminKey,
  ensureExperiment,
  FALLBACK,
  fakeAnswer,
  type PromptConfig,
} from "./tutor.js";

/** Where abkit's HTTP API lives in this app: `/abkit/api/v1/...`, `/abkit/experiment/...`. */
export const API_PREFIX = "/abkit";

export interface ExampleApp {
  /** The Fastify app; `app.close()` also flushes the engine and closes the store. */
  app: FastifyInstance;
  abkit: Abkit;
  store: Store;
  /** The admin key created on this start (a fresh store), or null when keys existed. */
  adminKey: string | null;
  /** What startup did to the experiment. */
  experiment: "created" | "started" | "existing";
}

export interface CreateAppOptions {
  /** The SQLite file; `ABKIT_DB` or `./abkit-fastify.db` when omitted. */
  dbPath?: string;
}

/**
 * The app: its own routes (`POST /chat`, `POST /chat/:id/thumbs-up`) use the embedded engine;
 * abkit's HTTP API is registered under `/abkit` on the same store.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<ExampleApp> {
  const dbPath = options.dbPath ?? process.env.ABKIT_DB ?? "./abkit-fastify.db";
  const store = sqliteStore({ path: dbPath });
  const abkit = createAbkit({ store });
  const app = Fastify({
    logger: false,
    // A malformed URL gets the API's `{ error: { code, message } }`, not Fastify's shape.
    frameworkErrors: abkitFrameworkErrors,
    // Untrusted clients: a request must arrive in time (Fastify's default: no limit).
    requestTimeout: DEFAULT_SERVER_LIMITS.requestTimeoutMs,
    keepAliveTimeout: DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
  });
  // Closing the app closes the API plugin (its onClose hook), then the engine and the store.
  app.addHook("onClose", async () => {
    await abkit.close();
    await store.close();
  });
  let experiment: ExampleApp["experiment"];
  let adminKey: string | null;
  try {
    experiment = await ensureExperiment(abkit);
    adminKey = await ensureAdminKey(store);
    // Encapsulated: its raw-body parser stays inside the prefix, our routes keep Fastify's JSON.
    await app.register(abkitFastify, { store, prefix: API_PREFIX });
  } catch (error) {
    await app.close();
    throw error;
  }

  // The messages this process answered, so a thumbs up can name its user. A real app keeps
  // them in its own database.
  const messages = new Map<string, { userId: string; variantKey: string | null }>();

  app.post<{ Body: { userId: string; message: string } }>(
    "/chat",
    {
      schema: {
        body: {
          type: "object",
          required: ["userId", "message"],
          properties: {
            userId: { type: "string", minLength: 1 },
            message: { type: "string" },
          },
        },
      },
    },
    async (request) => {
      const { userId, message } = request.body;
      const { variantKey, config, reason } = await abkit.evaluate<PromptConfig>({
        experimentKey: EXPERIMENT,
        entityId: userId,
      });
      const chosen = config ?? FALLBACK;
      const messageId = randomUUID();
      messages.set(messageId, { userId, variantKey });
      return {
        messageId,
        variantKey,
        reason,
        prompt: chosen.prompt,
        answer: fakeAnswer(chosen, message),
      };
    },
  );

  app.post<{ Params: { id: string } }>("/chat/:id/thumbs-up", async (request, reply) => {
    const { id } = request.params;
    const message = messages.get(id);
    if (!message) return reply.code(404).send({ error: `no message ${id}` });
    // The same key for the same message: a double click or a retried request counts once.
    const { accepted, deduped } = await abkit.track([
      { entityId: message.userId, metricName: "thumbs_up", idempotencyKey: `thumbs_up:${id}` },
    ]);
    return { messageId: id, accepted, deduped };
  });

  return { app, abkit, store, adminKey, experiment };
}
